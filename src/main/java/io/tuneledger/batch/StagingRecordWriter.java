package io.tuneledger.batch;

import io.tuneledger.data.DataStore;
import io.tuneledger.data.DatasetAssembler;
import io.tuneledger.data.IngestOutcome;
import io.tuneledger.data.IngestOutcomes;
import io.tuneledger.data.JsonlAppender;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes ingest outcomes to the job instance's staging directory: {@code accepted.jsonl} (records or pairs),
 * {@code quarantine.jsonl} and, for a retrieval corpus, {@code documents.jsonl}. Its checkpoint is the committed length
 * of the files (and their record counts); on open
 * the files are cut back to it, so a chunk that was written but never committed (a failure, a kill -9) is written
 * exactly once on restart.
 */
@Named
@Dependent
public class StagingRecordWriter extends CheckpointedItemWriter<StagingPosition> {

    @Inject
    JobContext jobContext;

    @Inject
    DataStore store;

    private JsonlAppender accepted;
    private JsonlAppender quarantine;
    private JsonlAppender documents;
    private StagingPosition position;

    public StagingRecordWriter() {
        super(StagingPosition.class);
    }

    @Override
    protected void openAt(StagingPosition committed) throws Exception {
        position = committed == null ? StagingPosition.START : committed;
        Path dir = store.stagingDir(jobContext.getInstanceId());
        accepted = JsonlAppender.openAt(dir.resolve(DatasetAssembler.ACCEPTED), position.acceptedBytes());
        quarantine = JsonlAppender.openAt(dir.resolve(DatasetAssembler.QUARANTINE), position.quarantineBytes());
        documents = JsonlAppender.openAt(dir.resolve(DatasetAssembler.DOCUMENTS), position.documentsBytes());
    }

    @Override
    protected void write(List<Object> items) throws Exception {
        long a = position.accepted();
        long q = position.quarantined();
        long d = position.documents();
        for (Object item : items) {
            if (item instanceof IngestOutcome.Prepared ok) {
                accepted.append(IngestOutcomes.toJson(ok.record()));
                a++;
            } else if (item instanceof IngestOutcome.PreparedPair pair) {
                accepted.append(IngestOutcomes.toJson(pair));
                a++;
            } else if (item instanceof IngestOutcome.PreparedDocument document) {
                documents.append(IngestOutcomes.toJson(document));
                d++;
            } else if (item instanceof IngestOutcome.Quarantined bad) {
                quarantine.append(IngestOutcomes.toJson(bad));
                q++;
            } else {
                throw new IllegalArgumentException("Unexpected item " + item);
            }
        }
        position = new StagingPosition(accepted.sync(), quarantine.sync(), documents.sync(), a, q, d);
        StepFigures.count(stepContext, "accepted", a);
        StepFigures.count(stepContext, "quarantined", q);
        if (d > 0) {
            StepFigures.count(stepContext, "documents", d);
        }
    }

    @Override
    protected StagingPosition position() {
        return position;
    }

    @Override
    public void close() throws Exception {
        if (accepted != null) {
            accepted.close();
        }
        if (quarantine != null) {
            quarantine.close();
        }
        if (documents != null) {
            documents.close();
        }
    }
}
