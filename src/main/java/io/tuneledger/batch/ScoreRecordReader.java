package io.tuneledger.batch;

import io.tuneledger.data.CsvFileSource;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.FieldMapping;
import io.tuneledger.data.IngestOutcome;
import io.tuneledger.data.JsonFiles;
import io.tuneledger.data.PredictionMerger;
import io.tuneledger.data.JsonlRecordSource;
import io.tuneledger.data.LineSource;
import io.tuneledger.data.PiiRedactor;
import io.tuneledger.data.RecordSource;
import io.tuneledger.data.SourcePosition;
import io.tuneledger.data.TextCleaner;
import io.tuneledger.job.StepProgress;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Path;

/**
 * Reads the records of one score partition (record number modulo the partition count), cleaned and redacted as the
 * model's training data was. The input comes from the partition plan ({@link ScorePartitionMapper}). A record
 * that cannot be scored (no id, no text, bad JSON, ...) becomes an item with its reason, so it is reported, never
 * dropped. Checkpoint: the input position, so a restart reads nothing twice.
 */
@Named
@Dependent
public class ScoreRecordReader extends CheckpointedItemReader<ScoreItem, SourcePosition> {

    @Inject
    @BatchProperty(name = "input.path")
    String inputPath;

    @Inject
    @BatchProperty(name = "input.format")
    String format;

    @Inject
    @BatchProperty(name = "id.field")
    String idField;

    @Inject
    @BatchProperty(name = "text.field")
    String textField;

    @Inject
    @BatchProperty(name = "partition.index")
    String partitionIndex;

    @Inject
    @BatchProperty(name = "partition.count")
    String partitionCount;

    /** Prefix of the file that notes the input's record count, so two readers of one run do not share it. */
    @Inject
    @BatchProperty(name = "files.prefix")
    String filesPrefix;

    @Inject
    DataStore store;

    @Inject
    ScoreRun run;

    private RecordSource source;
    private TextCleaner cleaner;
    private boolean redact;
    private int index;
    private int count;

    public ScoreRecordReader() {
        super(SourcePosition.class);
    }

    @Override
    protected void openAt(SourcePosition position) throws Exception {
        ScoreRun.Pinned pinned = run.pinned();
        cleaner = pinned.cleaner();
        redact = pinned.redactPii();
        index = Integer.parseInt(partitionIndex);
        count = Integer.parseInt(partitionCount);
        Path file = store.resolveInput(inputPath);
        FieldMapping fields = FieldMapping.unlabelled(idField, textField);
        int max = LineSource.DEFAULT_MAX_LINE_BYTES;
        source = "csv".equals(format) ? CsvFileSource.open(file, fields, position, max)
                : JsonlRecordSource.open(file, fields, position, max);
    }

    @Override
    protected ScoreItem readNext() throws Exception {
        while (true) {
            long number = source.position().records();
            IngestOutcome next = source.next();
            if (next == null) {
                JsonFiles.writeAtomically(run.dir().resolve((filesPrefix == null ? "" : filesPrefix)
                        + PredictionMerger.readCountFile(index)),
                        jakarta.json.Json.createObjectBuilder().add("records", number).build());
                return null;
            }
            if (number % count != index) {
                continue;
            }
            if (next instanceof IngestOutcome.Accepted a) {
                String text = cleaner.clean(a.record().text());
                if (redact) {
                    text = PiiRedactor.redact(text).text();
                }
                return text.isBlank()
                        ? new ScoreItem(number, a.record().id(), null, "EMPTY_TEXT: nothing is left after cleaning")
                        : new ScoreItem(number, a.record().id(), text, null);
            }
            IngestOutcome.Quarantined q = (IngestOutcome.Quarantined) next;
            return new ScoreItem(number, q.id(), null, q.reason().name() + ": " + q.detail());
        }
    }

    @Override
    protected SourcePosition position() {
        return source.position();
    }

    @Override
    protected Progress progress() {
        long[] p = source.progress();
        return new Progress(p[0], p[1], StepProgress.Unit.BYTES);
    }

    @Override
    public void close() throws Exception {
        if (source != null) {
            source.close();
        }
    }
}
