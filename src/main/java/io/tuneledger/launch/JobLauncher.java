package io.tuneledger.launch;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.SubjectType;
import io.tuneledger.batch.ExecutionOwnership;
import io.tuneledger.config.LogId;
import io.tuneledger.config.ParameterValues;
import jakarta.batch.operations.JobExecutionAlreadyCompleteException;
import jakarta.batch.operations.JobExecutionIsRunningException;
import jakarta.batch.operations.JobExecutionNotMostRecentException;
import jakarta.batch.operations.JobExecutionNotRunningException;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.operations.JobRestartException;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.JobExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import java.util.LinkedHashMap;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Starts, restarts, stops and abandons jobs: the only code that changes what the batch runtime runs (the REST API,
 * the console and the CLI all come here). Parameters are validated and completed before anything starts, a restart
 * may change only the parameters declared restartable, every command is recorded in the audit ledger with its
 * caller, and the runtime's exceptions become {@link LaunchException}s. Reading executions is
 * {@link ExecutionQueries}'; the steps read their own execution's parameters and steps through the runtime.
 */
@ApplicationScoped
public class JobLauncher {

    private static final Logger LOG = Logger.getLogger(JobLauncher.class.getName());

    @Inject
    JobCatalog catalog;

    @Inject
    AuditLedger ledger;

    @Inject
    IdempotencyKeys keys;

    @Inject
    ExecutionOwnership ownership;

    /** Striped monitors: launches with the same idempotency key in this server run one after the other. */
    private final Object[] keyLocks = java.util.stream.IntStream.range(0, 64).mapToObj(i -> new Object())
            .toArray();

    /**
     * Validates the parameters, then starts the job, recording the launch with its parameters and the caller in the
     * audit ledger. Nothing runs when a parameter is wrong. {@code idempotencyKey} (null: none) makes it idempotent:
     * the first call with a key starts the job; a later call with the same key and the same job and parameters
     * answers the same execution without starting anything ({@link Start#replayed()}); with other parameters it is a
     * conflict.
     */
    public Start start(String actor, String jobName, Map<String, String> parameters, String idempotencyKey) {
        JobDefinition job = catalog.find(jobName).orElseThrow(() -> new LaunchException.UnknownJob(jobName));
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw new LaunchException.InvalidParameters(List.of(new ParameterError("Idempotency-Key",
                    "must be 1 to 200 characters")));
        }
        ParameterValidator.Result checked = ParameterValidator.validate(job, parameters);
        if (!checked.ok()) {
            throw new LaunchException.InvalidParameters(checked.errors());
        }
        if (idempotencyKey == null) {
            return new Start(launch(actor, job, checked, null), false);
        }
        IdempotencyKeys.Request request = IdempotencyKeys.Request.of(jobName, parameters);
        // One launch a key at a time in this server; the key's primary key guards across servers.
        synchronized (keyLocks[Math.floorMod(idempotencyKey.hashCode(), keyLocks.length)]) {
            Optional<LaunchRequest> earlier = keys.find(idempotencyKey);
            if (earlier.isEmpty()) {
                try {
                    keys.claim(idempotencyKey, request, actor);
                } catch (RuntimeException claimedElsewhere) {
                    earlier = keys.find(idempotencyKey);
                    if (earlier.isEmpty()) {
                        throw claimedElsewhere;
                    }
                }
            }
            if (earlier.isPresent()) {
                LaunchRequest r = earlier.get();
                if (!r.jobName().equals(request.jobName())
                        || !r.parametersSha256().equals(request.parametersSha256())) {
                    throw new LaunchException.Conflict("Idempotency-Key '" + idempotencyKey + "' was used for another"
                            + " launch (job " + r.jobName() + " with other parameters): use a new key");
                }
                if (r.executionId() == null) {
                    Instant expires = r.createdAt().plus(IdempotencyKeys.CLAIM_TIMEOUT);
                    if (Instant.now().isBefore(expires)) {
                        throw new LaunchException.Conflict("Idempotency-Key '" + idempotencyKey + "' is being"
                                + " launched right now; ask again in a moment (a launch that died leaves its claim"
                                + " until " + expires + ")");
                    }
                    // The launch that claimed the key died. If it started its job, the ledger says so: answer that.
                    Optional<Long> started = ledger.launchedWithKey(idempotencyKey);
                    if (started.isPresent()) {
                        keys.complete(idempotencyKey, started.get());
                        return new Start(launched(started.get()), true);
                    }
                    if (!keys.takeOver(idempotencyKey, r.createdAt(), actor)) {
                        throw new LaunchException.Conflict("Idempotency-Key '" + idempotencyKey + "' is being"
                                + " launched right now; ask again in a moment");
                    }
                    LOG.warning(() -> LogId.IDEMPOTENCY_CLAIM_TAKEN_OVER + " Idempotency-Key '" + idempotencyKey
                            + "' was claimed at " + r.createdAt() + " by a launch that never finished; taken over");
                } else {
                    return new Start(launched(r.executionId()), true);
                }
            }
            try {
                Launched launched = launch(actor, job, checked, idempotencyKey);
                keys.complete(idempotencyKey, launched.executionId());
                return new Start(launched, false);
            } catch (RuntimeException e) {
                keys.release(idempotencyKey);
                throw e;
            }
        }
    }

    /** The answer to a start: the execution, and whether an earlier call with the same idempotency key started it. */
    public record Start(Launched launched, boolean replayed) {
    }

    private Launched launch(String actor, JobDefinition job, ParameterValidator.Result checked, String key) {
        String jobName = job.jobName();
        long executionId = operator().start(jobName, toProperties(checked.parameters()));
        // This server runs what it starts: its lease from the launch on, so that an execution waiting for a thread
        // is not taken for abandoned (the job claims it again when it starts).
        ownership.claim(executionId);
        LOG.info(() -> LogId.JOB_LAUNCHED + " Launched job " + jobName + " as execution " + executionId);
        var details = Json.createObjectBuilder().add("job", jobName).add("parameters",
                Json.createObjectBuilder(new TreeMap<String, Object>(checked.parameters())));
        if (key != null) {
            details.add("idempotencyKey", key);
        }
        ledger.append(actor, AuditAction.JOB_LAUNCHED, SubjectType.JOB_EXECUTION, Long.toString(executionId),
                details.build());
        return launched(executionId);
    }

    /**
     * Restarts a failed or stopped execution from its last checkpoint, with its original parameters; {@code overrides}
     * may change some of them (validated like a start).
     */
    public Launched restart(String actor, long executionId, Map<String, String> overrides) {
        JobExecution previous = jobExecution(executionId);
        JobDefinition job = catalog.find(previous.getJobName())
                .orElseThrow(() -> new LaunchException.UnknownJob(previous.getJobName()));
        Map<String, String> original = ParameterValues.of(previous.getJobParameters()).asMap();
        List<ParameterError> refused = ParameterValidator.checkRestart(job, original, overrides);
        if (!refused.isEmpty()) {
            throw new LaunchException.InvalidParameters(refused);
        }
        Map<String, String> merged = new LinkedHashMap<>(original);
        merged.putAll(overrides);
        ParameterValidator.Result checked = ParameterValidator.validate(job, merged);
        if (!checked.ok()) {
            throw new LaunchException.InvalidParameters(checked.errors());
        }
        try {
            long restarted = operator().restart(executionId, toProperties(checked.parameters()));
            ownership.claim(restarted);
            LOG.info(() -> LogId.JOB_RESTARTED + " Restarted execution " + executionId + " of job "
                    + previous.getJobName() + " as execution " + restarted);
            ledger.append(actor, AuditAction.JOB_RESTART_REQUESTED, SubjectType.JOB_EXECUTION, Long.toString(restarted),
                    Json.createObjectBuilder().add("job", previous.getJobName()).add("restartOf", executionId)
                            .add("overrides", Json.createObjectBuilder(new TreeMap<String, Object>(overrides)))
                            .build());
            return launched(restarted);
        } catch (JobExecutionAlreadyCompleteException e) {
            throw new LaunchException.Conflict("Execution " + executionId + " completed: there is nothing to restart");
        } catch (JobExecutionNotMostRecentException e) {
            throw new LaunchException.Conflict("Execution " + executionId
                    + " is not the most recent of its job instance: restart the latest one");
        } catch (JobRestartException e) {
            throw new LaunchException.Conflict("Execution " + executionId + " cannot be restarted: " + e.getMessage());
        }
    }

    /**
     * Asks a running execution to stop at its next checkpoint: here when this server runs it, else through its lease,
     * which the server that runs it reads at its next heartbeat.
     */
    public void stop(String actor, long executionId) {
        jobExecution(executionId);
        Optional<ExecutionOwnership.Lease> lease = ownership.lease(executionId);
        if (lease.isPresent() && !ownership.mine(lease.get()) && ownership.requestStop(executionId)) {
            LOG.info(() -> LogId.STOP_REQUESTED + " Stop requested for execution " + executionId + " on server "
                    + lease.get().server());
            ledger.append(actor, AuditAction.JOB_STOP_REQUESTED, SubjectType.JOB_EXECUTION, Long.toString(executionId),
                    Json.createObjectBuilder().add("server", lease.get().server()).build());
            return;
        }
        try {
            operator().stop(executionId);
            LOG.info(() -> LogId.STOP_REQUESTED + " Stop requested for execution " + executionId);
            ledger.append(actor, AuditAction.JOB_STOP_REQUESTED, SubjectType.JOB_EXECUTION, Long.toString(executionId),
                    Json.createObjectBuilder().build());
        } catch (JobExecutionNotRunningException e) {
            throw new LaunchException.Conflict("Execution " + executionId + " is not running");
        }
    }

    /**
     * Abandons an ended execution that is not to be restarted (a failed or stopped one): it can then never be
     * restarted, and a job instance with an abandoned last execution counts as closed.
     */
    public void abandon(String actor, long executionId) {
        JobExecution execution = jobExecution(executionId);
        try {
            operator().abandon(executionId);
        } catch (JobExecutionIsRunningException e) {
            throw new LaunchException.Conflict("Execution " + executionId + " is running: stop it first");
        }
        LOG.info(() -> LogId.JOB_ABANDONED + " Execution " + executionId + " abandoned");
        ledger.append(actor, AuditAction.JOB_ABANDONED, SubjectType.JOB_EXECUTION, Long.toString(executionId),
                Json.createObjectBuilder()
                .add("job", execution.getJobName()).add("previousStatus", execution.getBatchStatus().name()).build());
    }

    private Launched launched(long executionId) {
        JobOperator operator = operator();
        JobExecution execution = operator.getJobExecution(executionId);
        return new Launched(executionId, operator.getJobInstance(executionId).getInstanceId(), execution.getJobName(),
                execution.getBatchStatus().name());
    }

    private JobExecution jobExecution(long executionId) {
        try {
            return operator().getJobExecution(executionId);
        } catch (NoSuchJobExecutionException e) {
            throw new LaunchException.NoSuchExecution(executionId);
        }
    }

    private static Properties toProperties(Map<String, String> map) {
        Properties p = new Properties();
        p.putAll(map);
        return p;
    }

    private static JobOperator operator() {
        return BatchRuntime.getJobOperator();
    }
}
