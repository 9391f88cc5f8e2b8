package io.tuneledger.launch;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.SubjectType;
import io.tuneledger.config.LogId;
import io.tuneledger.batch.ExecutionOwnership;
import io.tuneledger.batch.PartitionBroker;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.batch.operations.JobExecutionNotRunningException;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.json.Json;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Takes over the executions whose server died: it marks FAILED (exit status {@code CRASHED}) an execution left
 * STARTING, STARTED or STOPPING by a server process that is gone (kill -9, power loss), with its running steps and
 * partitions, so that a restart (on any server) resumes from the last checkpoint as after any failure; each is a
 * {@code job.recovered} event in the audit ledger, written in the same transaction, naming the server that ran it.
 * A process is gone when its lease ({@link ExecutionOwnership}) expired, or when the lease names this server under an
 * earlier process (a server's name runs once); an execution without a lease is taken over once it is older than a
 * lease. This runs at deployment and at every heartbeat, so several servers can share one database: a server that
 * starts leaves the others' running executions alone. The heartbeat also renews this server's leases and stops the
 * executions that another server was asked to stop.
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
    ExecutionOwnership ownership;

    @Inject
    CrashRecovery self;

    @Inject
    PartitionBroker partitions;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> heartbeat;

    /** Whether the last heartbeat failed (logged once per outage, not at every beat). */
    private volatile boolean failing;

    /** After the ledger's own boot work (default observer priority), before any request is served. */
    void recover(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) @Initialized(ApplicationScoped.class)
            Object started) {
        try {
            ownership.beat();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, LogId.HEARTBEAT_FAILED + " The first heartbeat failed", e);
        }
        recoverAbandoned();
        long period = ownership.heartbeat().toMillis();
        heartbeat = scheduler.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stopBeating() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
    }

    /** One heartbeat: renew the leases, stop what another server was asked to stop, take over what was abandoned. */
    private void beat() {
        try {
            for (long id : ownership.beat()) {
                try {
                    BatchRuntime.getJobOperator().stop(id);
                    LOG.info(() -> LogId.STOP_REQUESTED + " Stop of execution " + id + " requested through another"
                            + " server: stopping at its next checkpoint");
                } catch (JobExecutionNotRunningException | NoSuchJobExecutionException e) {
                    ownership.release(id);
                }
            }
            ownership.reclaim();
            partitions.watch();
            recoverAbandoned();
            if (failing) {
                failing = false;
                LOG.info(() -> LogId.HEARTBEAT_FAILED + " Heartbeats succeed again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.log(Level.WARNING, LogId.HEARTBEAT_FAILED + " A heartbeat failed (this server's leases expire"
                        + " after " + ownership.lease().toSeconds() + " s without one)", e);
            }
        }
    }

    /** The running executions whose process is gone become FAILED; leases of executions that ended are removed. */
    void recoverAbandoned() {
        record Running(long id, String status, long created) {
        }
        List<Running> running = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement q = c.prepareStatement("SELECT JOBEXECUTIONID, BATCHSTATUS, CREATETIME"
                        + " FROM JOB_EXECUTION WHERE BATCHSTATUS IN " + RUNNING + " ORDER BY JOBEXECUTIONID")) {
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Timestamp created = rs.getTimestamp(3);
                    running.add(new Running(rs.getLong(1), rs.getString(2), created == null ? 0 : created.getTime()));
                }
            }
        } catch (SQLException e) {
            // A new database: JBeret creates its tables on first use, so there is nothing to recover yet.
            LOG.log(Level.FINE, LogId.NO_JOB_REPOSITORY_YET + " No job repository tables yet; nothing to recover", e);
            return;
        }
        Map<Long, ExecutionOwnership.Lease> leases = ownership.leases();
        long now = ownership.databaseNow();
        for (Running execution : running) {
            ExecutionOwnership.Lease lease = leases.remove(execution.id());
            if (ownership.runsHere(execution.id())) {
                continue;
            }
            if (lease == null ? execution.created() < now - ownership.lease().toMillis()
                    : ownership.abandoned(lease, now)) {
                takeOver(execution.id(), execution.status(), lease);
            }
        }
        // What is left are leases of executions that no longer run: their server ended them but could not say so.
        List<ExecutionOwnership.Lease> stale = leases.values().stream()
                .filter(l -> l.acquiredAt() < now - ownership.lease().toMillis()).toList();
        stale.forEach(l -> ownership.ended(l.executionId()));
        ownership.forget(stale.stream().map(ExecutionOwnership.Lease::executionId).toList());
    }

    private void takeOver(long id, String status, ExecutionOwnership.Lease lease) {
        try {
            if (self.markFailed(id, status, lease)) {
                LOG.warning(() -> LogId.CRASHED_EXECUTION_FAILED + " Execution " + id + " was " + status + " on "
                        + (lease == null ? "no known server" : "server " + lease.server()) + ", which stopped: marked"
                        + " FAILED (exit status " + EXIT_STATUS + "); restart it to resume from its last checkpoint");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, LogId.CRASHED_EXECUTION_NOT_MARKED + " Execution " + id
                    + " could not be marked FAILED after the crash", e);
        }
    }

    /**
     * The execution, its running steps and partitions become FAILED, with the ledger event, in one transaction; false
     * when another server took it over first (or its lease was renewed meanwhile).
     */
    @Transactional
    public boolean markFailed(long executionId, String previousStatus, ExecutionOwnership.Lease lease) {
        if (lease != null && !ownership.takeOver(lease)) {
            return false;
        }
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
                    return false;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot mark execution " + executionId + " FAILED: " + e.getMessage(), e);
        }
        var details = Json.createObjectBuilder().add("previousStatus", previousStatus).add("batchStatus", "FAILED")
                .add("exitStatus", EXIT_STATUS).add("runningSteps", steps)
                .add("reason", lease == null ? "no server held the running execution"
                        : lease.server().equals(ownership.server()) && !lease.incarnation().equals(ownership.incarnation())
                        ? "the server stopped while the execution was running"
                        : "the server that ran it stopped renewing its lease")
                .add("recoveredBy", ownership.server());
        if (lease != null) {
            details.add("server", lease.server()).add("serverProcess", lease.incarnation());
        }
        ledger.append(AuditLedger.SYSTEM, AuditAction.JOB_RECOVERED, SubjectType.JOB_EXECUTION,
                Long.toString(executionId), details.build());
        return true;
    }
}
