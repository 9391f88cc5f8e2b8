package io.tuneledger.batch;

import io.tuneledger.config.ParameterValues;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/**
 * The parameters of the running execution, as the launcher completed them, for steps that need many of them (the
 * training configuration): read once per step from the job repository, then typed through their
 * {@link io.tuneledger.config.Parameter}s. Steps that need a few take them as {@code @BatchProperty} from the job
 * XML instead.
 */
@Dependent
public class RunParameters {

    @Inject
    JobContext jobContext;

    private ParameterValues values;

    public ParameterValues values() {
        if (values == null) {
            values = ParameterValues.of(BatchRuntime.getJobOperator().getParameters(jobContext.getExecutionId()));
        }
        return values;
    }
}
