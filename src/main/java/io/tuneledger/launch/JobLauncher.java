package io.tuneledger.launch;

import io.tuneledger.audit.AuditLedger;
import io.tuneledger.batch.StepProgress;
import jakarta.batch.operations.JobExecutionAlreadyCompleteException;
import jakarta.batch.operations.JobExecutionIsRunningException;
import jakarta.batch.operations.JobExecutionNotMostRecentException;
import jakarta.batch.operations.JobExecutionNotRunningException;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.operations.JobRestartException;
import jakarta.batch.operations.NoSuchJobException;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.JobInstance;
import jakarta.batch.runtime.Metric;
import jakarta.batch.runtime.StepExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * The only caller of the batch runtime's {@link JobOperator}. The REST API, the console and the CLI launch, restart,
 * stop and inspect jobs through here: parameters are validated and completed before anything starts, and the
 * runtime's exceptions become {@link LaunchException}s.
 */
@ApplicationScoped
public class JobLauncher {

    private static final Logger LOG = Logger.getLogger(JobLauncher.class.getName());

    /** Parameters the batch runtime (JBeret) adds to every execution. */
    private static final String RUNTIME_PARAMETER_PREFIX = "jberet.";

    @Inject
    JobCatalog catalog;

    @Inject
    AuditLedger ledger;

    @Inject
    IdempotencyKeys keys;

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
                    throw new LaunchException.Conflict("Idempotency-Key '" + idempotencyKey + "' is being launched"
                            + " right now; ask again in a moment");
                }
                return new Start(launched(r.executionId()), true);
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
        LOG.info(() -> "TUNE0010 Launched job " + jobName + " as execution " + executionId);
        var details = Json.createObjectBuilder().add("job", jobName).add("parameters",
                Json.createObjectBuilder(new TreeMap<String, Object>(checked.parameters())));
        if (key != null) {
            details.add("idempotencyKey", key);
        }
        ledger.append(actor, "job.launched", "job-execution", Long.toString(executionId), details.build());
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
        Map<String, String> merged = new LinkedHashMap<>(toMap(previous.getJobParameters()));
        merged.putAll(overrides);
        ParameterValidator.Result checked = ParameterValidator.validate(job, merged);
        if (!checked.ok()) {
            throw new LaunchException.InvalidParameters(checked.errors());
        }
        try {
            long restarted = operator().restart(executionId, toProperties(checked.parameters()));
            LOG.info(() -> "TUNE0011 Restarted execution " + executionId + " of job " + previous.getJobName()
                    + " as execution " + restarted);
            ledger.append(actor, "job.restart-requested", "job-execution", Long.toString(restarted),
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

    /** Asks a running execution to stop at its next checkpoint. */
    public void stop(String actor, long executionId) {
        jobExecution(executionId);
        try {
            operator().stop(executionId);
            LOG.info(() -> "TUNE0012 Stop requested for execution " + executionId);
            ledger.append(actor, "job.stop-requested", "job-execution", Long.toString(executionId),
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
        LOG.info(() -> "TUNE0013 Execution " + executionId + " abandoned");
        ledger.append(actor, "job.abandoned", "job-execution", Long.toString(executionId), Json.createObjectBuilder()
                .add("job", execution.getJobName()).add("previousStatus", execution.getBatchStatus().name()).build());
    }

    /** One execution with its steps. */
    public ExecutionInfo execution(long executionId) {
        JobOperator operator = operator();
        JobExecution execution = jobExecution(executionId);
        JobInstance instance = operator.getJobInstance(executionId);
        List<StepInfo> steps = steps(operator, executionId).stream().map(JobLauncher::stepInfo).toList();
        return new ExecutionInfo(executionId, instance.getInstanceId(), execution.getJobName(),
                execution.getBatchStatus().name(), execution.getExitStatus(), instant(execution.getCreateTime()),
                instant(execution.getStartTime()), instant(execution.getEndTime()),
                instant(execution.getLastUpdatedTime()), toMap(execution.getJobParameters()), steps);
    }

    /**
     * The curves the steps of an execution recorded with their last checkpoint (training loss per optimisation step,
     * validation loss and macro-F1 per epoch), by step name and curve name; steps without curves are left out.
     */
    public Map<String, Map<String, double[]>> curves(long executionId) {
        jobExecution(executionId);
        Map<String, Map<String, double[]>> byStep = new LinkedHashMap<>();
        for (StepExecution step : steps(operator(), executionId)) {
            Map<String, double[]> curves = curvesOf(step);
            if (!curves.isEmpty()) {
                byStep.put(step.getStepName(), curves);
            }
        }
        return byStep;
    }

    /** The steps of an execution in the order they ran. */
    private static List<StepExecution> steps(JobOperator operator, long executionId) {
        return operator.getStepExecutions(executionId).stream()
                .sorted(Comparator.comparing(StepExecution::getStepExecutionId))
                .toList();
    }

    /** The {@code curve.*} entries of a step's persistent user data, by curve name. */
    private static Map<String, double[]> curvesOf(StepExecution step) {
        Map<String, double[]> curves = new TreeMap<>();
        if (step.getPersistentUserData() instanceof Map<?, ?> data) {
            data.forEach((key, value) -> {
                if (key instanceof String name && name.startsWith(StepProgress.CURVE)
                        && value instanceof double[] points) {
                    curves.put(name.substring(StepProgress.CURVE.length()), points);
                }
            });
        }
        return curves;
    }

    /** Every execution of the job instance of {@code executionId} (the first launch and its restarts), oldest first. */
    public List<ExecutionInfo> executionsOfInstance(long executionId) {
        jobExecution(executionId);
        JobOperator operator = operator();
        return operator.getJobExecutions(operator.getJobInstance(executionId)).stream()
                .map(JobExecution::getExecutionId).sorted().map(this::execution).toList();
    }

    /** One page of a list, and how many items the whole list has. */
    public record Page(long total, List<ExecutionInfo> items) {
    }

    /**
     * The most recent executions, newest first, optionally of one job and in one batch status: {@code limit} of them
     * after skipping {@code offset}.
     */
    public Page executions(String jobName, String status, int offset, int limit) {
        JobOperator operator = operator();
        List<Long> ids = new ArrayList<>();
        for (String name : operator.getJobNames()) {
            if (jobName != null && !jobName.equals(name)) {
                continue;
            }
            int count;
            try {
                count = operator.getJobInstanceCount(name);
            } catch (NoSuchJobException e) {
                continue;
            }
            for (JobInstance instance : operator.getJobInstances(name, 0, count)) {
                for (JobExecution e : operator.getJobExecutions(instance)) {
                    if (status == null || e.getBatchStatus().name().equals(status)) {
                        ids.add(e.getExecutionId());
                    }
                }
            }
        }
        return new Page(ids.size(), ids.stream().sorted(Comparator.reverseOrder()).skip(offset).limit(limit)
                .map(this::execution).toList());
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

    private static StepInfo stepInfo(StepExecution step) {
        Map<String, Long> metrics = new TreeMap<>();
        for (Metric m : step.getMetrics()) {
            metrics.put(lowerCamel(m.getType().name()), m.getValue());
        }
        Map<String, Long> counts = new TreeMap<>();
        Map<String, Double> values = new TreeMap<>();
        StepInfo.Progress progress = null;
        Serializable data = step.getPersistentUserData();
        if (data instanceof Map<?, ?> map) {
            Long done = null;
            Long total = null;
            Long unit = null;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getKey() instanceof String key && key.startsWith("value.")
                        && e.getValue() instanceof Double value) {
                    values.put(key.substring("value.".length()), value);
                    continue;
                }
                if (!(e.getKey() instanceof String key) || !(e.getValue() instanceof Long value)) {
                    continue;
                }
                switch (key) {
                    case StepProgress.DONE -> done = value;
                    case StepProgress.TOTAL -> total = value;
                    case StepProgress.UNIT -> unit = value;
                    default -> {
                        if (key.startsWith("count.")) {
                            counts.put(key.substring("count.".length()), value);
                        }
                    }
                }
            }
            if (done != null) {
                boolean finished = step.getBatchStatus() == BatchStatus.COMPLETED;
                Long knownTotal = total != null && total >= 0 ? total : null;
                Double fraction = knownTotal == null ? null
                        : finished || knownTotal == 0 ? 1.0 : Math.min(1.0, done / (double) knownTotal);
                String unitName = unit != null && unit >= 0 && unit < StepProgress.UNITS.length
                        ? StepProgress.UNITS[unit.intValue()] : "items";
                progress = new StepInfo.Progress(done, knownTotal, unitName, fraction);
            }
        }
        return new StepInfo(step.getStepExecutionId(), step.getStepName(), step.getBatchStatus().name(),
                step.getExitStatus(), instant(step.getStartTime()), instant(step.getEndTime()), metrics, counts,
                values, progress);
    }

    private static String lowerCamel(String enumName) {
        StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (char c : enumName.toLowerCase().toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }

    private static Properties toProperties(Map<String, String> map) {
        Properties p = new Properties();
        p.putAll(map);
        return p;
    }

    /** The job's own parameters, without those the batch runtime adds for itself ({@code jberet.*}). */
    private static Map<String, String> toMap(Properties properties) {
        Map<String, String> map = new TreeMap<>();
        if (properties != null) {
            for (String name : properties.stringPropertyNames()) {
                if (name.startsWith(RUNTIME_PARAMETER_PREFIX)) {
                    continue;
                }
                map.put(name, properties.getProperty(name));
            }
        }
        return map;
    }

    private static JobOperator operator() {
        return BatchRuntime.getJobOperator();
    }
}
