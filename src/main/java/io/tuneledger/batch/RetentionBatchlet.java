package io.tuneledger.batch;

import io.tuneledger.audit.AuditLedger;
import io.tuneledger.data.DataStore;
import jakarta.annotation.Resource;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.transaction.UserTransaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jberet.operations.AbstractJobOperator;
import org.jberet.operations.DelegatingJobOperator;
import org.jberet.repository.JobExecutionSelector;
import org.jberet.repository.JobRepository;

/**
 * Purges what the retention job's parameters select: the job-repository rows of job instances whose every execution
 * ended before the cutoff (one DELETE of the instance rows; JBeret's foreign keys cascade to the execution, step and
 * partition rows), and the training checkpoint files ({@code *.safetensors}) in the run directories of those
 * instances and of run directories whose instance is already gone. The plan is written to the run directory first
 * and reused on restart; the rows are deleted in the same transaction as the ledger event that lists them.
 */
@Named
@Dependent
public class RetentionBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(RetentionBatchlet.class.getName());

    static final String PLAN_FILE = "retention-plan.json";

    @Inject
    @BatchProperty(name = "older.than.days")
    String olderThanDays;

    @Inject
    @BatchProperty(name = "purge")
    String purge;

    @Inject
    @BatchProperty(name = "dry.run")
    String dryRun;

    @Inject
    JobContext jobContext;

    @Inject
    StepContext stepContext;

    @Inject
    DataStore store;

    @Inject
    AuditLedger ledger;

    @Resource(lookup = "java:jboss/datasources/TuneledgerDS")
    DataSource dataSource;

    @Inject
    UserTransaction transaction;

    @Override
    public String process() throws Exception {
        Path dir = store.runDir(jobContext.getInstanceId());
        Files.createDirectories(dir);
        Path planFile = dir.resolve(PLAN_FILE);
        JsonObject plan;
        if (Files.exists(planFile)) {
            plan = FineTuneRun.readJson(planFile);
        } else {
            plan = plan();
            FineTuneRun.writeJson(planFile, plan);
        }
        List<Long> instances = plan.getJsonArray("jobInstances").stream()
                .map(v -> v.asJsonObject().getJsonNumber("id").longValue()).toList();
        List<Long> executions = new ArrayList<>();
        plan.getJsonArray("jobInstances").forEach(i -> i.asJsonObject().getJsonArray("executions")
                .forEach(e -> executions.add(((jakarta.json.JsonNumber) e).longValue())));
        long files = plan.getJsonArray("checkpoints").size();
        long bytes = plan.getJsonArray("checkpoints").stream()
                .mapToLong(f -> f.asJsonObject().getJsonNumber("bytes").longValue()).sum();
        StepProgress.count(stepContext, "jobInstances", instances.size());
        StepProgress.count(stepContext, "jobExecutions", executions.size());
        StepProgress.count(stepContext, "checkpointFiles", files);
        StepProgress.count(stepContext, "checkpointBytes", bytes);
        String id = Long.toString(jobContext.getExecutionId());

        if (plan.getBoolean("dryRun")) {
            ledger.append(AuditLedger.SYSTEM, "retention.planned", "retention", id, plan);
            LOG.info(() -> "TUNE0601 Retention dry run: would remove " + instances.size() + " job instances and "
                    + files + " checkpoint files (" + bytes + " bytes)");
            return "COMPLETED";
        }
        for (JsonValue f : plan.getJsonArray("checkpoints")) {
            Files.deleteIfExists(store.home().resolve(f.asJsonObject().getString("path")));
        }
        transaction.begin();
        try {
            if (!instances.isEmpty()) {
                deleteInstances(instances);
            }
            ledger.append(AuditLedger.SYSTEM, "retention.purged", "retention", id, plan);
            transaction.commit();
        } catch (Exception e) {
            transaction.rollback();
            throw e;
        }
        forgetCached(new HashSet<>(instances), new HashSet<>(executions));
        LOG.info(() -> "TUNE0600 Retention removed " + instances.size() + " job instances (" + executions.size()
                + " executions) and " + files + " checkpoint files (" + bytes + " bytes)");
        return "COMPLETED";
    }

    /** What to remove now: the instances ended before the cutoff, and the checkpoint files to go. */
    private JsonObject plan() throws SQLException, IOException {
        int days = Integer.parseInt(olderThanDays.strip());
        Instant cutoff = Instant.now().minus(Duration.ofDays(days));
        boolean records = purge.contains("job-records");
        boolean checkpoints = purge.contains("checkpoints");
        JsonArrayBuilder instances = Json.createArrayBuilder();
        Set<Long> ended = new HashSet<>();
        Set<Long> known = new HashSet<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement all = c.prepareStatement("SELECT JOBINSTANCEID FROM JOB_INSTANCE");
                    ResultSet rs = all.executeQuery()) {
                while (rs.next()) {
                    known.add(rs.getLong(1));
                }
            }
            try (PreparedStatement q = c.prepareStatement("SELECT i.JOBINSTANCEID, i.JOBNAME, MAX(e.ENDTIME)"
                    + " FROM JOB_INSTANCE i JOIN JOB_EXECUTION e ON e.JOBINSTANCEID = i.JOBINSTANCEID"
                    + " WHERE i.JOBINSTANCEID <> ? GROUP BY i.JOBINSTANCEID, i.JOBNAME"
                    + " HAVING SUM(CASE WHEN e.ENDTIME IS NULL THEN 1 ELSE 0 END) = 0 AND MAX(e.ENDTIME) < ?"
                    + " ORDER BY i.JOBINSTANCEID")) {
                q.setLong(1, jobContext.getInstanceId());
                q.setTimestamp(2, Timestamp.from(cutoff));
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        long instance = rs.getLong(1);
                        ended.add(instance);
                        if (records) {
                            instances.add(Json.createObjectBuilder().add("id", instance)
                                    .add("job", rs.getString(2))
                                    .add("lastEnded", rs.getTimestamp(3).toInstant().toString())
                                    .add("executions", executionsOf(c, instance)));
                        }
                    }
                }
            }
        }
        JsonArrayBuilder files = Json.createArrayBuilder();
        Path runs = store.runDir(0).getParent();
        if (checkpoints && Files.isDirectory(runs)) {
            try (Stream<Path> dirs = Files.list(runs)) {
                for (Path run : dirs.sorted().toList()) {
                    Long instance = parseId(run.getFileName().toString());
                    boolean gone = instance != null && !known.contains(instance);
                    if (instance == null || instance == jobContext.getInstanceId()
                            || !(ended.contains(instance) || gone)) {
                        continue;
                    }
                    try (Stream<Path> walk = Files.walk(run)) {
                        for (Path f : walk.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted()
                                .toList()) {
                            if (gone && Files.getLastModifiedTime(f).toInstant().isAfter(cutoff)) {
                                continue;
                            }
                            files.add(Json.createObjectBuilder()
                                    .add("path", store.home().relativize(f).toString())
                                    .add("bytes", Files.size(f)).add("jobInstance", instance));
                        }
                    }
                }
            }
        }
        return Json.createObjectBuilder()
                .add("olderThanDays", days).add("cutoff", cutoff.toString()).add("purge", purge.strip())
                .add("dryRun", Boolean.parseBoolean(dryRun.strip()))
                .add("jobInstances", instances).add("checkpoints", files)
                .add("kept", "datasets, registered models and the audit ledger are never removed")
                .build();
    }

    private static JsonArrayBuilder executionsOf(Connection c, long instance) throws SQLException {
        JsonArrayBuilder out = Json.createArrayBuilder();
        try (PreparedStatement q = c.prepareStatement(
                "SELECT JOBEXECUTIONID FROM JOB_EXECUTION WHERE JOBINSTANCEID = ? ORDER BY JOBEXECUTIONID")) {
            q.setLong(1, instance);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    /** One DELETE per 100 instances; JBeret's foreign keys cascade to executions, steps and partitions. */
    private void deleteInstances(List<Long> instances) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            for (int from = 0; from < instances.size(); from += 100) {
                List<Long> batch = instances.subList(from, Math.min(instances.size(), from + 100));
                String marks = String.join(",", java.util.Collections.nCopies(batch.size(), "?"));
                try (PreparedStatement d = c.prepareStatement(
                        "DELETE FROM JOB_INSTANCE WHERE JOBINSTANCEID IN (" + marks + ")")) {
                    for (int i = 0; i < batch.size(); i++) {
                        d.setLong(i + 1, batch.get(i));
                    }
                    d.executeUpdate();
                }
            }
        }
    }

    /** Drops the purged instances and executions from JBeret's in-memory cache, so that reads agree with the rows. */
    private static void forgetCached(Set<Long> instances, Set<Long> executions) {
        JobOperator operator = BatchRuntime.getJobOperator();
        if (operator instanceof DelegatingJobOperator delegating) {
            operator = delegating.getDelegate();
        }
        if (!(operator instanceof AbstractJobOperator jberet)) {
            LOG.warning("TUNE0602 The job operator is not JBeret's; purged executions may be listed until restart");
            return;
        }
        JobRepository repository = jberet.getJobRepository();
        repository.removeJobExecutions(new JobExecutionSelector() {
            @Override
            public boolean select(JobExecution execution, Collection<Long> all) {
                return executions.contains(execution.getExecutionId());
            }

            @Override
            public JobContext getJobContext() {
                return null;
            }

            @Override
            public void setJobContext(JobContext context) {
            }

            @Override
            public StepContext getStepContext() {
                return null;
            }

            @Override
            public void setStepContext(StepContext context) {
            }
        });
        instances.forEach(repository::removeJobInstance);
    }

    private static Long parseId(String name) {
        try {
            return Long.parseLong(name);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
