package io.tuneledger.launch;

import io.tuneledger.batch.JobParameters;
import io.tuneledger.config.Parameter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The retention job: purges old job-repository records and training checkpoints; never the audit ledger. */
@ApplicationScoped
public class RetentionJob implements JobDefinition {

    public static final String NAME = "retention";

    @Override
    public String jobName() {
        return NAME;
    }

    @Override
    public String description() {
        return "Removes the job-repository records and the training checkpoint files of job instances whose every"
                + " execution ended more than older.than.days ago; datasets, models and the audit ledger stay."
                + " Records in the ledger what it removed.";
    }

    @Override
    public List<Parameter<?>> parameters() {
        return JobParameters.RETENTION;
    }
}
