package io.tuneledger.launch;

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
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.optional("older.than.days", "90", "Age, in days since its last execution ended, from"
                        + " which a job instance is purged (0: every ended instance)", ValueRule.integer(0, 36_500)),
                ParameterSpec.optional("purge", "job-records,checkpoints", "What to purge: job-records, checkpoints,"
                        + " or both (comma-separated)", ValueRule.oneOf("job-records,checkpoints",
                                "checkpoints,job-records", "job-records", "checkpoints")),
                ParameterSpec.optional("dry.run", "false", "true: only record in the ledger what would be removed",
                        ValueRule.bool()));
    }
}
