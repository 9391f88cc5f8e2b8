package io.tuneledger.batch;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.SubjectType;
import io.tuneledger.config.LogId;
import jakarta.batch.api.listener.AbstractJobListener;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.Metric;
import jakarta.batch.runtime.StepExecution;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.util.logging.Logger;

/**
 * Logs each job's start and end with stable message ids that operators can grep, and records them in the audit
 * ledger: started (or restarted, for a later execution of the same instance) and ended with the batch and exit
 * status, then one event per step of the execution with its status, times and metrics. It reads its own execution
 * (how many the instance has, its steps) through the JobOperator; starting, stopping and restarting jobs is the
 * launcher's alone. It also holds the execution's lease ({@link ExecutionOwnership}) from start to end, and names
 * the server that runs it in the start event.
 */
@Named
@Dependent
public class JobLogListener extends AbstractJobListener {

    private static final Logger LOG = Logger.getLogger(JobLogListener.class.getName());

    @Inject
    JobContext jobContext;

    @Inject
    AuditLedger ledger;

    @Inject
    ExecutionOwnership ownership;

    @Override
    public void beforeJob() {
        LOG.info(() -> LogId.JOB_STARTED + " Job " + jobContext.getJobName() + " execution "
                + jobContext.getExecutionId() + " (instance " + jobContext.getInstanceId() + ") started");
        ownership.claim(jobContext.getExecutionId());
        JobOperator operator = BatchRuntime.getJobOperator();
        int executions = operator.getJobExecutions(operator.getJobInstance(jobContext.getExecutionId())).size();
        ledger.append(AuditLedger.SYSTEM, executions > 1 ? AuditAction.JOB_RESTARTED : AuditAction.JOB_STARTED,
                SubjectType.JOB_EXECUTION,
                Long.toString(jobContext.getExecutionId()), Json.createObjectBuilder()
                        .add("job", jobContext.getJobName()).add("instanceId", jobContext.getInstanceId())
                        .add("executionOfInstance", executions).add("server", ownership.server()).build());
    }

    @Override
    public void afterJob() {
        LOG.info(() -> LogId.JOB_ENDED + " Job " + jobContext.getJobName() + " execution " + jobContext.getExecutionId()
                + " ended: " + jobContext.getBatchStatus() + " / " + jobContext.getExitStatus());
        String id = Long.toString(jobContext.getExecutionId());
        for (StepExecution step : BatchRuntime.getJobOperator().getStepExecutions(jobContext.getExecutionId())) {
            JsonObjectBuilder metrics = Json.createObjectBuilder();
            for (Metric m : step.getMetrics()) {
                metrics.add(m.getType().name(), m.getValue());
            }
            ledger.append(AuditLedger.SYSTEM, AuditAction.STEP_ENDED, SubjectType.JOB_EXECUTION, id,
                    Json.createObjectBuilder()
                    .add("step", step.getStepName()).add("batchStatus", step.getBatchStatus().name())
                    .add("exitStatus", String.valueOf(step.getExitStatus()))
                    .add("started", String.valueOf(step.getStartTime() == null ? null
                            : step.getStartTime().toInstant()))
                    .add("ended", String.valueOf(step.getEndTime() == null ? null : step.getEndTime().toInstant()))
                    .add("metrics", metrics).build());
        }
        String status = jobContext.getBatchStatus() == null ? "UNKNOWN" : jobContext.getBatchStatus().name();
        ledger.append(AuditLedger.SYSTEM, AuditAction.jobEnded(status), SubjectType.JOB_EXECUTION, id,
                Json.createObjectBuilder().add("job", jobContext.getJobName()).add("batchStatus", status)
                        .add("exitStatus", String.valueOf(jobContext.getExitStatus())).build());
        ownership.release(jobContext.getExecutionId());
    }
}
