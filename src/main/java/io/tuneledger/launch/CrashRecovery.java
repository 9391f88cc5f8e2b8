package io.tuneledger.launch;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.SubjectType;
import io.tuneledger.config.LogId;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.json.Json;
import jakarta.transaction.Transactional;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * At deployment, marks FAILED (exit status {@code CRASHED}) every execution that a previous server process left
 * STARTING, STARTED or STOPPING: it was running when that process died (kill -9, power loss) and nothing runs it now.
 * Its running steps and partitions become FAILED too, so that a restart resumes from the last checkpoint as after any
 * failure; each recovery is a {@code job.recovered} event in the audit ledger, written in the same transaction.
 * Only executions created before this JVM started are touched (a redeployment leaves this process's own alone), and
 * one server per job repository is assumed: a second server sharing the database would see the first one's running
 * executions as crashed.
 */
@ApplicationScoped
public class CrashRecovery {

    private static final Logger LOG = Logger.getLogger(CrashRecovery.class.getName());

    static final String EXIT_STATUS = "CRASHED";

    private static final String RUNNING = "('STARTING', 'STARTED', 'STOPPING')";

    @Resource(lookup = "java:jboss/datasources/TuneledgerDS")
    DataSource dataSource;

    @Inject
    AuditLedger ledger;

    @Inject
    CrashRecovery self;

    /** After the ledger's own boot work (default observer priority), before any request is served. */
    void recover(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) @Initialized(ApplicationScoped.class)
            Object started) {
        Instant jvmStart = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        record Crashed(long id, String status) {
        }
        List<Crashed> crashed = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement q = c.prepareStatement("SELECT JOBEXECUTIONID, BATCHSTATUS FROM JOB_EXECUTION"
                        + " WHERE BATCHSTATUS IN " + RUNNING + " AND CREATETIME < ? ORDER BY JOBEXECUTIONID")) {
            q.setTimestamp(1, Timestamp.from(jvmStart));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    crashed.add(new Crashed(rs.getLong(1), rs.getString(2)));
                }
            }
        } catch (SQLException e) {
            // A new database: JBeret creates its tables on first use, so there is nothing to recover yet.
            LOG.log(Level.FINE, LogId.NO_JOB_REPOSITORY_YET + " No job repository tables yet; nothing to recover", e);
            return;
        }
        for (Crashed execution : crashed) {
            long id = execution.id();
            String status = execution.status();
            try {
                self.markFailed(id, status);
                LOG.warning(() -> LogId.CRASHED_EXECUTION_FAILED + " Execution " + id + " was " + status
                        + " when the server stopped: marked FAILED (exit status " + EXIT_STATUS
                        + "); restart it to resume from its last checkpoint");
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, LogId.CRASHED_EXECUTION_NOT_MARKED + " Execution " + id
                        + " could not be marked FAILED after the crash", e);
            }
        }
    }

    /** The execution, its running steps and partitions become FAILED, with the ledger event, in one transaction. */
    @Transactional
    public void markFailed(long executionId, String previousStatus) {
        Timestamp now = Timestamp.from(Instant.now());
        int steps;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement u = c.prepareStatement("UPDATE PARTITION_EXECUTION SET BATCHSTATUS = 'FAILED'"
                    + " WHERE BATCHSTATUS IN " + RUNNING + " AND STEPEXECUTIONID IN"
                    + " (SELECT STEPEXECUTIONID FROM STEP_EXECUTION WHERE JOBEXECUTIONID = ?)")) {
                u.setLong(1, executionId);
                u.executeUpdate();
            }
            try (PreparedStatement u = c.prepareStatement("UPDATE STEP_EXECUTION SET BATCHSTATUS = 'FAILED',"
                    + " EXITSTATUS = ?, ENDTIME = ? WHERE JOBEXECUTIONID = ? AND BATCHSTATUS IN " + RUNNING)) {
                u.setString(1, EXIT_STATUS);
                u.setTimestamp(2, now);
                u.setLong(3, executionId);
                steps = u.executeUpdate();
            }
            try (PreparedStatement u = c.prepareStatement("UPDATE JOB_EXECUTION SET BATCHSTATUS = 'FAILED',"
                    + " EXITSTATUS = ?, ENDTIME = ?, LASTUPDATEDTIME = ?"
                    + " WHERE JOBEXECUTIONID = ? AND BATCHSTATUS = ?")) {
                u.setString(1, EXIT_STATUS);
                u.setTimestamp(2, now);
                u.setTimestamp(3, now);
                u.setLong(4, executionId);
                u.setString(5, previousStatus);
                if (u.executeUpdate() != 1) {
                    return;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot mark execution " + executionId + " FAILED: " + e.getMessage(), e);
        }
        ledger.append(AuditLedger.SYSTEM, AuditAction.JOB_RECOVERED, SubjectType.JOB_EXECUTION,
                Long.toString(executionId),
                Json.createObjectBuilder().add("previousStatus", previousStatus).add("batchStatus", "FAILED")
                        .add("exitStatus", EXIT_STATUS).add("runningSteps", steps)
                        .add("reason", "the server stopped while the execution was running").build());
    }
}
