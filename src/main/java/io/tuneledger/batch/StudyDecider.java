package io.tuneledger.batch;

import jakarta.batch.api.Decider;
import jakarta.batch.runtime.StepExecution;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** After the tune job's first training step: {@code HALVING} when the search halves its trials, else {@code ALL}. */
@Named
@Dependent
public class StudyDecider implements Decider {

    @Inject
    FineTuneRun run;

    @Override
    public String decide(StepExecution[] executions) throws Exception {
        return run.study().halving() ? "HALVING" : "ALL";
    }
}
