package io.tuneledger.batch;

import io.tuneledger.data.BeirRecordSource;
import io.tuneledger.data.CsvFileSource;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.DatasetAssembler;
import io.tuneledger.data.DatasetParameters;
import io.tuneledger.data.FieldMapping;
import io.tuneledger.data.IngestOutcome;
import io.tuneledger.data.IngestSummary;
import io.tuneledger.data.JdbcRecordSource;
import io.tuneledger.data.JdbcTableSource;
import io.tuneledger.data.JsonlRecordSource;
import io.tuneledger.data.PairFields;
import io.tuneledger.data.RecordSource;
import io.tuneledger.data.SourcePosition;
import io.tuneledger.data.SourceRecord;
import io.tuneledger.job.StepProgress;
import io.tuneledger.ml.TaskType;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Path;
import javax.naming.InitialContext;
import javax.sql.DataSource;

/**
 * Reads the input of prepare-dataset (JSONL, CSV, a database table or, for retrieval, a BEIR directory) as parsed
 * records (labelled texts, or pairs and documents for task=retrieval) or quarantined lines.
 * Checkpoint: the {@link SourcePosition}, so a restart seeks straight to the first uncommitted record. At the end of
 * the input it leaves the number of records read in the staging directory, for the reconciliation.
 */
@Named
@Dependent
public class IngestRecordReader extends CheckpointedItemReader<IngestOutcome, SourcePosition> {

    @Inject
    @BatchProperty(name = "input.format")
    String format;

    @Inject
    @BatchProperty(name = "input.path")
    String inputPath;

    @Inject
    @BatchProperty(name = "input.datasource")
    String datasource;

    @Inject
    @BatchProperty(name = "input.table")
    String table;

    @Inject
    @BatchProperty(name = "id.field")
    String idField;

    @Inject
    @BatchProperty(name = "text.field")
    String textField;

    @Inject
    @BatchProperty(name = "label.field")
    String labelField;

    @Inject
    @BatchProperty(name = "task")
    String task;

    @Inject
    @BatchProperty(name = "query.field")
    String queryField;

    @Inject
    @BatchProperty(name = "positive.field")
    String positiveField;

    @Inject
    @BatchProperty(name = "positive.id.field")
    String positiveIdField;

    @Inject
    @BatchProperty(name = "negative.field")
    String negativeField;

    @Inject
    @BatchProperty(name = "prompt.field")
    String promptField;

    @Inject
    @BatchProperty(name = "response.field")
    String responseField;

    @Inject
    @BatchProperty(name = "messages.field")
    String messagesField;

    @Inject
    @BatchProperty(name = "max.record.bytes")
    String maxRecordBytes;

    @Inject
    JobContext jobContext;

    @Inject
    DataStore store;

    private RecordSource source;
    private boolean jdbc;
    private boolean beir;

    /** Adaptation texts have no label: they carry {@link DatasetAssembler#TEXT_LABEL} through de-duplication. */
    private boolean adaptation() {
        return TaskType.ADAPTATION.id().equals(DatasetParameters.TASK.parse(task));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    public IngestRecordReader() {
        super(SourcePosition.class);
    }

    @Override
    protected void openAt(SourcePosition position) throws Exception {
        String id = DatasetParameters.ID_FIELD.parse(idField);
        TaskType type = TaskType.ofParameter(DatasetParameters.TASK.parse(task));
        String messages = DatasetParameters.MESSAGES_FIELD.parse(messagesField);
        FieldMapping fields = type == TaskType.GENERATION && messages != null
                ? FieldMapping.pairs(id, PairFields.conversation(messages))
                : type == TaskType.GENERATION ? FieldMapping.pairs(id, PairFields.generation(
                        DatasetParameters.PROMPT_FIELD.parse(promptField),
                        DatasetParameters.RESPONSE_FIELD.parse(responseField)))
                : type == TaskType.RETRIEVAL ? FieldMapping.pairs(id, new PairFields(
                        DatasetParameters.QUERY_FIELD.parse(queryField),
                        DatasetParameters.POSITIVE_FIELD.parse(positiveField), blankToNull(positiveIdField),
                        blankToNull(negativeField)))
                : adaptation() ? FieldMapping.unlabelled(id, DatasetParameters.TEXT_FIELD.parse(textField))
                : new FieldMapping(id, DatasetParameters.TEXT_FIELD.parse(textField),
                        DatasetParameters.LABEL_FIELD.parse(labelField));
        int max = DatasetParameters.MAX_RECORD_BYTES.parse(maxRecordBytes);
        jdbc = "jdbc".equals(format);
        beir = "beir".equals(format);
        if (beir) {
            source = BeirRecordSource.open(store.resolveInputOrDirectory(inputPath), position);
            return;
        }
        if (jdbc) {
            DataSource ds = (DataSource) new InitialContext().lookup(datasource);
            source = new JdbcRecordSource(JdbcTableSource.open(ds, table, fields, 500), position);
            return;
        }
        Path file = store.resolveInput(inputPath);
        source = "csv".equals(format)
                ? CsvFileSource.open(file, fields, position, max)
                : JsonlRecordSource.open(file, fields, position, max);
    }

    @Override
    protected IngestOutcome readNext() throws Exception {
        IngestOutcome next = source.next();
        if (next instanceof IngestOutcome.Accepted a && a.record().label() == null) {
            SourceRecord r = a.record();
            next = new IngestOutcome.Accepted(new SourceRecord(r.id(), r.text(), DatasetAssembler.TEXT_LABEL,
                    r.lineNumber()));
        }
        if (next == null) {
            writeSummary();
        }
        return next;
    }

    @Override
    protected SourcePosition position() {
        return source.position();
    }

    @Override
    protected Progress progress() {
        long[] p = source.progress();
        StepFigures.count(stepContext, "read", source.position().records());
        return new Progress(p[0], p[1], jdbc || beir ? StepProgress.Unit.ITEMS : StepProgress.Unit.BYTES);
    }

    @Override
    public void close() throws Exception {
        if (source != null) {
            source.close();
        }
    }

    /** Idempotent: a restart that reaches the end again writes the same numbers. */
    private void writeSummary() throws Exception {
        SourcePosition end = source.position();
        new IngestSummary(end.records(), jdbc || beir ? -1 : end.offset()).write(store.stagingDir(jobContext.getInstanceId()));
    }
}
