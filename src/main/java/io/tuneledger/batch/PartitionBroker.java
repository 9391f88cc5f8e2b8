package io.tuneledger.batch;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.SubjectType;
import io.tuneledger.config.LogId;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.json.Json;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.logging.Level;
import org.jberet.operations.AbstractJobOperator;
import org.jberet.operations.DelegatingJobOperator;
import org.jberet.runtime.JobExecutionImpl;
import org.jberet.runtime.PartitionExecutionImpl;
import org.jberet.runtime.context.StepContextImpl;
import org.jberet.spi.PartitionHandler;

/**
 * Where the partitions of a job run. With one server, on the job's server, in the runtime's threads (as they always
 * did). With several servers and a broker ({@code tuneledger.broker.url}, set in the PostgreSQL installation;
 * {@link EmbeddedBroker}), over the broker: every server runs {@code tuneledger.partition.slots} [1] partition workers, and a
 * partitioned step whose server sees another live server sends its partitions to them all ({@link JmsPartitions}).
 * {@code tuneledger.partitions.dispatch}: {@code auto} [default] as just said, {@code broker} always over the broker,
 * {@code local} never (no workers either). Each dispatched partition's start and end are ledger events naming the
 * server that ran it; a heartbeat stops the dispatched partitions whose job is no longer running.
 */
@ApplicationScoped
public class PartitionBroker {

    private static final String DISPATCH = System.getProperty("tuneledger.partitions.dispatch", "auto")
            .strip().toLowerCase(Locale.ROOT);

    private static final int SLOTS = Math.max(1, Integer.getInteger("tuneledger.partition.slots", 1));

    private static final Logger LOG = Logger.getLogger(PartitionBroker.class.getName());

    @Resource
    ManagedThreadFactory threads;

    @Inject
    ExecutionOwnership ownership;

    @Inject
    AuditLedger ledger;

    /** The broker's side ({@link JmsPartitions}) when the broker is configured; typed Object so that a server without
     *  JMS never loads its types. */
    private volatile Object broker;

    /** The broker embedded in this server ({@link EmbeddedBroker}) when {@code tuneledger.broker.url} names it. */
    private volatile Object embedded;

    /** The job executions (their copies here) of the dispatched partitions running on this server. */
    private final Set<JobExecutionImpl> runningHere = Collections.newSetFromMap(
            Collections.synchronizedMap(new IdentityHashMap<>()));

    /** After crash recovery's first heartbeat (which records this server), before any request is served. */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 700) @Initialized(ApplicationScoped.class)
            Object started) {
        if (DISPATCH.equals("local")) {
            LOG.info(() -> LogId.PARTITION_BROKER + " tuneledger.partitions.dispatch=local: partitions run on the"
                    + " job's server");
            return;
        }
        String url = System.getProperty("tuneledger.broker.url", "").strip();
        if (url.isEmpty()) {
            LOG.info(() -> LogId.PARTITION_BROKER + " No broker (tuneledger.broker.url is not set): partitions run on"
                    + " the job's server");
            return;
        }
        URI address;
        try {
            address = new URI(url);
            if (!"tcp".equals(address.getScheme()) || address.getHost() == null || address.getPort() < 0) {
                throw new URISyntaxException(url, "not tcp://host:port");
            }
        } catch (URISyntaxException e) {
            LOG.severe(() -> LogId.PARTITION_BROKER + " tuneledger.broker.url=" + url + " is not tcp://host:port:"
                    + " partitions run on the job's server");
            return;
        }
        try {
            embedded = EmbeddedBroker.startIfHere(address, Path.of(System.getProperty("jboss.server.data.dir",
                    System.getProperty("java.io.tmpdir")), "tuneledger-broker"));
        } catch (Exception | LinkageError e) {
            LOG.log(Level.SEVERE, LogId.PARTITION_BROKER + " The broker at " + url + " could not be started here:"
                    + " partitions run on the job's server", e);
            return;
        }
        JmsPartitions jms = new JmsPartitions(url, this);
        jms.start(threads, SLOTS);
        broker = jms;
        LOG.info(() -> LogId.PARTITION_BROKER + " Broker " + url + (embedded != null ? " (embedded in this server)"
                : " (another server's)") + "; partition workers: " + SLOTS + " on this server ("
                + ownership.server() + "); partitions go over the broker "
                + (DISPATCH.equals("broker") ? "always" : "while another server is live"));
    }

    @PreDestroy
    void stop() {
        Object jms = broker;
        broker = null;
        if (jms != null) {
            ((JmsPartitions) jms).close();
        }
        Object local = embedded;
        embedded = null;
        if (local != null) {
            try {
                ((EmbeddedBroker) local).stop();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "The embedded broker did not stop cleanly", e);
            }
        }
    }

    /** The handler of a partitioned step that goes over the broker, or null when its partitions run here. */
    PartitionHandler handler(StepContextImpl stepContext) {
        Object jms = broker;
        if (jms == null || !(DISPATCH.equals("broker") || ownership.othersLive())) {
            return null;
        }
        try {
            return ((JmsPartitions) jms).handler(stepContext);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, LogId.PARTITION_WORKER_DISCONNECTED + " The broker cannot be reached: the partitions"
                    + " of step " + stepContext.getStepName() + " run on this server", e);
            return null;
        }
    }

    /**
     * One heartbeat's look at the dispatched partitions running here: one whose job no longer runs (stopping, stopped,
     * or taken over after its server died) stops at its next checkpoint.
     */
    public void watch() {
        List<JobExecutionImpl> jobs;
        synchronized (runningHere) {
            jobs = List.copyOf(runningHere);
        }
        for (JobExecutionImpl job : jobs) {
            String status = ownership.batchStatus(job.getExecutionId());
            if (!job.isStopRequested() && !"STARTED".equals(status) && !"STARTING".equals(status)) {
                LOG.info(() -> LogId.STOP_REQUESTED + " Execution " + job.getExecutionId() + " is " + status
                        + ": its partition here stops at its next checkpoint");
                job.stop();
            }
        }
    }

    ExecutionOwnership ownership() {
        return ownership;
    }

    void running(JobExecutionImpl job) {
        runningHere.add(job);
    }

    void notRunning(JobExecutionImpl job) {
        runningHere.remove(job);
    }

    /** JBeret's operator of this application (its batch environment and job repository). */
    AbstractJobOperator jobOperator() {
        JobOperator operator = BatchRuntime.getJobOperator();
        if (operator instanceof DelegatingJobOperator delegating) {
            operator = delegating.getDelegate();
        }
        if (operator instanceof AbstractJobOperator jberet) {
            return jberet;
        }
        throw new IllegalStateException("The job operator is not JBeret's: " + operator.getClass().getName());
    }

    /**
     * Gives a dispatched partition the checkpoint that its execution last committed (a worker that died had run it
     * part-way): true when there was one. Without one it keeps what it was sent with (none, or its previous
     * execution's when its job was restarted).
     */
    boolean resumeFromRepository(PartitionExecutionImpl partition) {
        byte[][] stored = ownership.partitionCheckpoint(partition.getStepExecutionId(), partition.getPartitionId());
        if (stored == null || stored[0] == null) {
            return false;
        }
        partition.setReaderCheckpointInfo(stored[0]);
        partition.setWriterCheckpointInfo(stored[1]);
        if (stored[2] != null) {
            partition.setPersistentUserData(stored[2]);
        }
        return true;
    }

    void started(JobExecutionImpl job, String step, int partition, int attempt, boolean resumed) {
        ledger.append(AuditLedger.SYSTEM, AuditAction.PARTITION_STARTED, SubjectType.JOB_EXECUTION,
                Long.toString(job.getExecutionId()), Json.createObjectBuilder().add("step", step)
                        .add("partition", partition).add("server", ownership.server())
                        .add("serverProcess", ownership.incarnation()).add("delivery", attempt)
                        .add("resumed", resumed).build());
    }

    void ended(JobExecutionImpl job, String step, PartitionExecutionImpl done) {
        ledger.append(AuditLedger.SYSTEM, AuditAction.PARTITION_ENDED, SubjectType.JOB_EXECUTION,
                Long.toString(job.getExecutionId()), Json.createObjectBuilder().add("step", step)
                        .add("partition", done.getPartitionId()).add("server", ownership.server())
                        .add("batchStatus", String.valueOf(done.getBatchStatus()))
                        .add("exitStatus", String.valueOf(done.getExitStatus())).build());
        LOG.info(() -> LogId.PARTITION_RAN + " Partition " + done.getPartitionId() + " of step " + step
                + " of execution " + job.getExecutionId() + " ran here: " + done.getBatchStatus());
    }
}
