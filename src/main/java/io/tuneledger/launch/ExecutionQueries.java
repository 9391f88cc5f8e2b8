package io.tuneledger.launch;

import io.tuneledger.batch.FineTuneRun;
import io.tuneledger.config.ParameterValues;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.JsonFiles;
import io.tuneledger.job.ExecutionHistory;
import io.tuneledger.job.ExecutionInfo;
import io.tuneledger.job.StepInfo;
import io.tuneledger.job.StepProgress;
import jakarta.annotation.Resource;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.Metric;
import jakarta.batch.runtime.StepExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.ConcurrentModificationException;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.jberet.runtime.AbstractStepExecution;
import org.jberet.runtime.PartitionExecutionImpl;

/**
 * Executions as operators, schedulers, the console and the reports see them: one execution with its steps, progress
 * and curves, the executions of a job instance, and pages of recent executions. A page is one query on the job
 * repository's tables (newest first, filtered by job and status) and then the batch runtime's view of just the
 * executions on it. Read-only: starting, stopping and restarting is {@link JobLauncher}'s.
 */
@ApplicationScoped
public class ExecutionQueries implements ExecutionHistory {

    @Resource(lookup = "java:jboss/datasources/TuneledgerDS")
    DataSource dataSource;

    @Inject
    DataStore store;

    /** One execution with its steps; {@link LaunchException.NoSuchExecution} when there is none. */
    public ExecutionInfo execution(long executionId) {
        return find(executionId).orElseThrow(() -> new LaunchException.NoSuchExecution(executionId));
    }

    @Override
    public Optional<ExecutionInfo> find(long executionId) {
        JobOperator operator = operator();
        JobExecution execution;
        try {
            execution = operator.getJobExecution(executionId);
        } catch (NoSuchJobExecutionException e) {
            return Optional.empty();
        }
        List<StepInfo> steps = steps(operator, executionId).stream().map(this::stepInfo).toList();
        long instance = operator.getJobInstance(executionId).getInstanceId();
        return Optional.of(new ExecutionInfo(executionId, instance,
                execution.getJobName(), execution.getBatchStatus().name(), execution.getExitStatus(),
                instant(execution.getCreateTime()), instant(execution.getStartTime()),
                instant(execution.getEndTime()), instant(execution.getLastUpdatedTime()),
                ParameterValues.of(execution.getJobParameters()).asMap(), steps, result(instance)));
    }

    /** A study's result file in the job instance's run directory, when it has one. */
    private JsonObject result(long instance) {
        Path file = store.runDir(instance).resolve(FineTuneRun.STUDY_RESULT_FILE);
        try {
            return Files.exists(file) ? JsonFiles.read(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("The study result " + file + " cannot be read", e);
        }
    }

    @Override
    public List<ExecutionInfo> ofInstance(long executionId) {
        execution(executionId);
        JobOperator operator = operator();
        return operator.getJobExecutions(operator.getJobInstance(executionId)).stream()
                .map(JobExecution::getExecutionId).sorted().map(this::execution).toList();
    }

    /**
     * The curves the steps of an execution recorded with their last checkpoint (training loss per optimisation step,
     * validation loss and the validation figure per epoch), by step name and curve name; steps without curves are
     * left out.
     */
    public Map<String, Map<String, double[]>> curves(long executionId) {
        execution(executionId);
        Map<String, Map<String, double[]>> byStep = new LinkedHashMap<>();
        for (StepExecution step : steps(operator(), executionId)) {
            Map<String, double[]> curves = StepProgress.of(step.getPersistentUserData()).curves();
            if (!curves.isEmpty()) {
                byStep.put(step.getStepName(), curves);
            }
        }
        return byStep;
    }

    /** One page of a list, and how many items the whole list has. */
    public record Page(long total, List<ExecutionInfo> items) {
    }

    /**
     * The most recent executions, newest first, optionally of one job and in one batch status: {@code limit} of them
     * after skipping {@code offset}.
     */
    public Page executions(String jobName, String status, int offset, int limit) {
        StringBuilder where = new StringBuilder(" FROM JOB_EXECUTION e JOIN JOB_INSTANCE i"
                + " ON e.JOBINSTANCEID = i.JOBINSTANCEID WHERE 1 = 1");
        List<String> values = new ArrayList<>();
        if (jobName != null) {
            where.append(" AND i.JOBNAME = ?");
            values.add(jobName);
        }
        if (status != null) {
            where.append(" AND e.BATCHSTATUS = ?");
            values.add(status);
        }
        long total;
        List<Long> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement q = c.prepareStatement("SELECT COUNT(*)" + where)) {
                bind(q, values);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            try (PreparedStatement q = c.prepareStatement("SELECT e.JOBEXECUTIONID" + where
                    + " ORDER BY e.JOBEXECUTIONID DESC LIMIT ? OFFSET ?")) {
                bind(q, values);
                q.setInt(values.size() + 1, limit);
                q.setInt(values.size() + 2, offset);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
        } catch (SQLException e) {
            // A new database: JBeret creates its tables with the first execution.
            return new Page(0, List.of());
        }
        return new Page(total, ids.stream().map(this::find).flatMap(Optional::stream).toList());
    }

    private static void bind(PreparedStatement q, List<String> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            q.setString(i + 1, values.get(i));
        }
    }

    /** The steps of an execution in the order they ran. */
    private static List<StepExecution> steps(JobOperator operator, long executionId) {
        return operator.getStepExecutions(executionId).stream()
                .sorted(Comparator.comparing(StepExecution::getStepExecutionId))
                .toList();
    }

    private StepInfo stepInfo(StepExecution step) {
        Map<String, Long> metrics = new TreeMap<>();
        for (Metric m : step.getMetrics()) {
            metrics.put(lowerCamel(m.getType().name()), m.getValue());
        }
        StepProgress p = StepProgress.of(step.getPersistentUserData());
        Instant started = instant(step.getStartTime());
        List<PartitionExecutionImpl> partitions = partitions(step);
        if (!partitions.isEmpty()) {
            // Each partition stores its own progress; the step's is their sum. And the runtime's copy of the step
            // resets its start time when the partitions end (JBeret 3.1 sets its status to STARTED again then): the
            // job repository keeps the time the step began.
            p = StepProgress.sum(partitions.stream().map(e -> StepProgress.of(e.getPersistentUserData())).toList());
            started = storedStartTime(step.getStepExecutionId()).orElse(started);
        }
        return new StepInfo(step.getStepExecutionId(), step.getStepName(), step.getBatchStatus().name(),
                step.getExitStatus(), started, instant(step.getEndTime()), metrics, p.counts(), p.values(),
                StepInfo.Progress.of(p, step.getBatchStatus() == BatchStatus.COMPLETED));
    }

    /** The partitions the batch runtime holds beside a partitioned step while the execution is in its memory. */
    private static List<PartitionExecutionImpl> partitions(StepExecution step) {
        if (!(step instanceof AbstractStepExecution s) || s.getPartitionExecutions() == null) {
            return List.of();
        }
        try {
            return new ArrayList<>(s.getPartitionExecutions());
        } catch (ConcurrentModificationException e) {
            return List.of(); // partitions being started this instant: the next poll shows them
        }
    }

    private Optional<Instant> storedStartTime(long stepExecutionId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement q = c.prepareStatement(
                        "SELECT STARTTIME FROM STEP_EXECUTION WHERE STEPEXECUTIONID = ?")) {
            q.setLong(1, stepExecutionId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getTimestamp(1)).map(Timestamp::toInstant)
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The job repository cannot be read: " + e.getMessage(), e);
        }
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

    private static JobOperator operator() {
        return BatchRuntime.getJobOperator();
    }
}
