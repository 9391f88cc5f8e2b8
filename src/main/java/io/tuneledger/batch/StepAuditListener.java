package io.tuneledger.batch;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.SubjectType;
import jakarta.batch.api.listener.AbstractStepListener;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;

/**
 * Records each step's start in the audit ledger ({@code step.started}), so that the ledger shows which step was
 * running when an execution was interrupted, and a step's failure with its error ({@code step.failed}); the step's
 * end with its metrics is recorded by {@link JobLogListener} when the job ends.
 */
@Named
@Dependent
public class StepAuditListener extends AbstractStepListener {

    @Inject
    JobContext jobContext;

    @Inject
    StepContext stepContext;

    @Inject
    AuditLedger ledger;

    @Override
    public void beforeStep() {
        ledger.append(AuditLedger.SYSTEM, AuditAction.STEP_STARTED, SubjectType.JOB_EXECUTION,
                Long.toString(jobContext.getExecutionId()),
                Json.createObjectBuilder().add("step", stepContext.getStepName())
                        .add("stepExecutionId", stepContext.getStepExecutionId()).build());
    }

    @Override
    public void afterStep() {
        Exception error = stepContext.getException();
        if (error == null) {
            return;
        }
        String message = String.valueOf(error.getMessage());
        ledger.append(AuditLedger.SYSTEM, AuditAction.STEP_FAILED, SubjectType.JOB_EXECUTION,
                Long.toString(jobContext.getExecutionId()),
                Json.createObjectBuilder().add("step", stepContext.getStepName())
                        .add("error", error.getClass().getName())
                        .add("message", message.length() > 2000 ? message.substring(0, 2000) + "..." : message)
                        .build());
    }
}
