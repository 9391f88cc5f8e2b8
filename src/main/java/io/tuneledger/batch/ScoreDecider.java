package io.tuneledger.batch;

import jakarta.batch.api.BatchProperty;
import jakarta.batch.api.Decider;
import jakarta.batch.runtime.StepExecution;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** In the pipeline: SCORE when {@code score.input.path} is given, else SKIP. */
@Named
@Dependent
public class ScoreDecider implements Decider {

    @Inject
    @BatchProperty(name = "score.input.path")
    String scoreInput;

    @Override
    public String decide(StepExecution[] executions) {
        return scoreInput == null || scoreInput.isBlank() ? "SKIP" : "SCORE";
    }
}
