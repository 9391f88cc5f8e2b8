package io.tuneledger.batch;

import io.tuneledger.data.DataStore;
import io.tuneledger.data.DatasetAssembler;
import io.tuneledger.data.IngestOutcome;
import io.tuneledger.data.IngestOutcomes;
import io.tuneledger.data.JsonlAppender;
import jakarta.batch.api.chunk.AbstractItemWriter;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes ingest outcomes to the job instance's staging directory: {@code accepted.jsonl} and
 * {@code quarantine.jsonl}. Its checkpoint is the committed length of both files; on open the files are cut back to
 * it, so a chunk that was written but never committed (a failure, a kill -9) is written exactly once on restart.
 */
@Named
@Dependent
public class StagingRecordWriter extends AbstractItemWriter {

    /** File of accepted records in the staging directory. */
    public static final String ACCEPTED = DatasetAssembler.ACCEPTED;
    /** File of quarantined lines in the staging directory. */
    public static final String QUARANTINE = DatasetAssembler.QUARANTINE;

    @Inject
    JobContext jobContext;

    @Inject
    StepContext stepContext;

    @Inject
    DataStore store;

    private JsonlAppender accepted;
    private JsonlAppender quarantine;
    private StagingPosition position;

    @Override
    public void open(Serializable checkpoint) throws Exception {
        position = checkpoint instanceof StagingPosition p ? p : StagingPosition.START;
        Path dir = store.stagingDir(jobContext.getInstanceId());
        accepted = JsonlAppender.openAt(dir.resolve(ACCEPTED), position.acceptedBytes());
        quarantine = JsonlAppender.openAt(dir.resolve(QUARANTINE), position.quarantineBytes());
    }

    @Override
    public void writeItems(List<Object> items) throws Exception {
        long a = position.accepted();
        long q = position.quarantined();
        for (Object item : items) {
            if (item instanceof IngestOutcome.Prepared ok) {
                accepted.append(IngestOutcomes.toJson(ok.record()));
                a++;
            } else if (item instanceof IngestOutcome.Quarantined bad) {
                quarantine.append(IngestOutcomes.toJson(bad));
                q++;
            } else {
                throw new IllegalArgumentException("Unexpected item " + item);
            }
        }
        position = new StagingPosition(accepted.sync(), quarantine.sync(), a, q);
        StepProgress.count(stepContext, "accepted", a);
        StepProgress.count(stepContext, "quarantined", q);
    }

    @Override
    public Serializable checkpointInfo() {
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
    }
}
