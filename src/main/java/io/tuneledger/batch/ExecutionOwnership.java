package io.tuneledger.batch;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Which server runs which job execution, so that several servers can share one database. Each server has a stable
 * name ({@code jboss.node.name}, which WildFly sets to the host name unless told otherwise: a StatefulSet's pod name,
 * {@code node-2} of {@code bin/tuneledger cluster}) and, while it runs, an incarnation (its process). An execution's
 * lease names the server and incarnation that run it and lasts {@code tuneledger.lease.seconds} [60] unless renewed;
 * every server renews its own leases at each heartbeat (a quarter of the lease). Crash recovery takes over only an
 * execution whose lease expired, or one whose lease names this server under an earlier incarnation: that process is
 * gone, since a name runs once. Times are the database's clock, so that servers' clocks need not agree.
 */
@ApplicationScoped
public class ExecutionOwnership {

    /** An execution's lease as read. */
    public record Lease(long executionId, String server, String incarnation, long acquiredAt, long expiresAt,
            boolean stopRequested) {
    }

    /** A server as the database last heard of it; {@code live} while its last heartbeat is younger than its lease. */
    public record Server(String name, String incarnation, long startedAt, long heartbeatAt, boolean live) {
    }

    private static final long LEASE_MILLIS = Duration.ofSeconds(Long.getLong("tuneledger.lease.seconds", 60))
            .toMillis();

    private static final String NAME = serverName();

    /** This process: its id and start time, unique among the processes that ever ran under this server's name. */
    private static final String INCARNATION = ProcessHandle.current().pid() + "@"
            + Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());

    private static final Logger LOG = Logger.getLogger(ExecutionOwnership.class.getName());

    @PersistenceContext(unitName = "tuneledger")
    EntityManager em;

    @Inject
    ExecutionOwnership self;

    /** Striped monitors: claims of one execution in this process run one after the other. */
    private final Object[] claimLocks = java.util.stream.IntStream.range(0, 64).mapToObj(i -> new Object()).toArray();

    /** The executions this process runs, from their launch or start to their end. */
    private final Set<Long> running = ConcurrentHashMap.newKeySet();

    private static String serverName() {
        String configured = System.getProperty("jboss.node.name");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** This server's stable name. */
    public String server() {
        return NAME;
    }

    /** This server process. */
    public String incarnation() {
        return INCARNATION;
    }

    /** How long a lease holds without a heartbeat. */
    public Duration lease() {
        return Duration.ofMillis(LEASE_MILLIS);
    }

    /** The time between two heartbeats (and two looks for expired leases): a quarter of the lease. */
    public Duration heartbeat() {
        return Duration.ofMillis(Math.max(500, LEASE_MILLIS / 4));
    }

    /** Whether this server process holds the lease. */
    public boolean mine(Lease lease) {
        return lease.incarnation().equals(INCARNATION);
    }

    /**
     * Whether the process that holds the lease is gone: the lease expired, or it names this server under another
     * incarnation (a server's name runs once, so that process ended).
     */
    public boolean abandoned(Lease lease, long now) {
        return !mine(lease) && (lease.server().equals(NAME) || lease.expiresAt() < now);
    }

    /**
     * Claims (or renews) the lease of an execution that this server process runs: at its launch and again when the
     * job starts (the two may race, so a claim that loses the insertion renews instead). A claim that cannot be made
     * now (the database unreachable) is made by the next heartbeat.
     */
    public void claim(long executionId) {
        running.add(executionId);
        // The launch's claim and the job's start race in this process: one after the other, the second renews.
        synchronized (claimLocks[Math.floorMod(Long.hashCode(executionId), claimLocks.length)]) {
            try {
                self.claimOnce(executionId);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "The lease of execution " + executionId + " could not be claimed now; the next"
                        + " heartbeat claims it", e);
            }
        }
    }

    /** One claim, in a transaction of its own (committed before the next claim of the execution looks). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void claimOnce(long executionId) {
        long now = databaseNow();
        int renewed = em.createQuery("update ExecutionLease l set l.server = :name, l.incarnation = :me,"
                + " l.expiresAt = :until where l.executionId = :id").setParameter("name", NAME)
                .setParameter("me", INCARNATION).setParameter("until", now + LEASE_MILLIS)
                .setParameter("id", executionId).executeUpdate();
        if (renewed == 0) {
            em.persist(new ExecutionLease(executionId, NAME, INCARNATION, now, now + LEASE_MILLIS));
            em.flush();
        }
    }

    /** Ends this process's lease of an execution that ended. */
    public void release(long executionId) {
        running.remove(executionId);
        self.delete(executionId);
    }

    @Transactional
    public void delete(long executionId) {
        em.createQuery("delete from ExecutionLease l where l.executionId = :id and l.incarnation = :me")
                .setParameter("id", executionId).setParameter("me", INCARNATION).executeUpdate();
    }

    /** Whether this process runs the execution (from its launch or start to its end). */
    public boolean runsHere(long executionId) {
        return running.contains(executionId);
    }

    /** Forgets an execution that no longer runs here although its end was not seen (it failed before its start). */
    public void ended(long executionId) {
        running.remove(executionId);
    }

    /**
     * Claims the leases of the executions this process runs that have none (a claim that failed, a lease that
     * another server removed): called after each heartbeat.
     */
    public void reclaim() {
        if (running.isEmpty()) {
            return;
        }
        Set<Long> leased = Set.copyOf(self.leased(List.copyOf(running)));
        for (long id : running) {
            if (!leased.contains(id)) {
                claim(id);
            }
        }
    }

    @Transactional
    public List<Long> leased(List<Long> executionIds) {
        return em.createQuery("select l.executionId from ExecutionLease l where l.executionId in :ids", Long.class)
                .setParameter("ids", executionIds).getResultList();
    }

    /**
     * One heartbeat: renews every lease this process holds and its server record; answers the executions that another
     * server asked to stop since the last one.
     */
    @Transactional
    public List<Long> beat() {
        long now = databaseNow();
        em.createQuery("update ExecutionLease l set l.expiresAt = :until where l.incarnation = :me")
                .setParameter("until", now + LEASE_MILLIS).setParameter("me", INCARNATION).executeUpdate();
        em.createQuery("update PartitionLease l set l.expiresAt = :until where l.incarnation = :me")
                .setParameter("until", now + LEASE_MILLIS).setParameter("me", INCARNATION).executeUpdate();
        ServerRecord record = em.find(ServerRecord.class, NAME, LockModeType.PESSIMISTIC_WRITE);
        if (record == null) {
            record = new ServerRecord(NAME);
            record.beat(INCARNATION, now, LEASE_MILLIS);
            em.persist(record);
        } else {
            record.beat(INCARNATION, now, LEASE_MILLIS);
        }
        List<Long> stops = em.createQuery("select l.executionId from ExecutionLease l where l.incarnation = :me"
                + " and l.stopRequested = true", Long.class).setParameter("me", INCARNATION).getResultList();
        if (!stops.isEmpty()) {
            em.createQuery("update ExecutionLease l set l.stopRequested = false where l.executionId in :ids")
                    .setParameter("ids", stops).executeUpdate();
        }
        return stops;
    }

    /** Every lease, by execution. */
    @Transactional
    public Map<Long, Lease> leases() {
        Map<Long, Lease> leases = new LinkedHashMap<>();
        for (ExecutionLease l : em.createQuery("select l from ExecutionLease l order by l.executionId",
                ExecutionLease.class).getResultList()) {
            Lease lease = l.view();
            leases.put(lease.executionId(), lease);
        }
        return leases;
    }

    /** The lease of one execution, if it has one. */
    @Transactional
    public Optional<Lease> lease(long executionId) {
        return Optional.ofNullable(em.find(ExecutionLease.class, executionId)).map(ExecutionLease::view);
    }

    /**
     * Asks the server that holds the lease to stop the execution at its next heartbeat; false when no lease is held by
     * a live process of another server.
     */
    @Transactional
    public boolean requestStop(long executionId) {
        return em.createQuery("update ExecutionLease l set l.stopRequested = true where l.executionId = :id"
                + " and l.incarnation <> :me and l.expiresAt >= :now").setParameter("id", executionId)
                .setParameter("me", INCARNATION).setParameter("now", databaseNow()).executeUpdate() == 1;
    }

    /**
     * Within the caller's transaction: removes the lease as it was seen, so that of several servers that saw it
     * abandoned only one takes the execution over; false when it changed meanwhile (renewed, or taken by another).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean takeOver(Lease seen) {
        return em.createQuery("delete from ExecutionLease l where l.executionId = :id and l.incarnation = :was"
                + " and l.expiresAt = :until").setParameter("id", seen.executionId())
                .setParameter("was", seen.incarnation()).setParameter("until", seen.expiresAt()).executeUpdate() == 1;
    }

    /** Removes the leases of executions that no longer run (their server ended them but could not say so). */
    @Transactional
    public int forget(List<Long> executionIds) {
        if (executionIds.isEmpty()) {
            return 0;
        }
        return em.createQuery("delete from ExecutionLease l where l.executionId in :ids")
                .setParameter("ids", executionIds).executeUpdate();
    }

    /**
     * Claims a dispatched partition for this server process (see {@link PartitionLease}): true when it had no lease,
     * its lease was this process's, or the process that held it is gone ({@link #abandoned}); false while another
     * live process holds it.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean claimPartition(String partition, long executionId) {
        long now = databaseNow();
        PartitionLease held = em.find(PartitionLease.class, partition, LockModeType.PESSIMISTIC_WRITE);
        if (held != null) {
            Lease seen = new Lease(executionId, held.server(), held.incarnation(), 0, held.expiresAt(), false);
            if (!mine(seen) && !abandoned(seen, now)) {
                return false;
            }
            em.remove(held);
            em.flush();
        }
        em.persist(new PartitionLease(partition, executionId, NAME, INCARNATION, now, now + LEASE_MILLIS));
        em.flush();
        return true;
    }

    /** Ends this process's lease of a dispatched partition. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void releasePartition(String partition) {
        em.createQuery("delete from PartitionLease l where l.partition = :p and l.incarnation = :me")
                .setParameter("p", partition).setParameter("me", INCARNATION).executeUpdate();
    }

    /** The batch status of a job execution as the job repository holds it now (null when there is no such). */
    @Transactional
    public String batchStatus(long executionId) {
        List<?> rows = em.createNativeQuery("SELECT BATCHSTATUS FROM JOB_EXECUTION WHERE JOBEXECUTIONID = ?1")
                .setParameter(1, executionId).getResultList();
        return rows.isEmpty() || rows.get(0) == null ? null : rows.get(0).toString();
    }

    /**
     * The checkpoint that a partition execution last committed to the job repository: its reader's, its writer's and
     * its persistent user data, serialized (null when there is no such partition execution).
     */
    @Transactional
    public byte[][] partitionCheckpoint(long stepExecutionId, int partition) {
        List<?> rows = em.createNativeQuery("SELECT READERCHECKPOINTINFO, WRITERCHECKPOINTINFO, PERSISTENTUSERDATA"
                + " FROM PARTITION_EXECUTION WHERE STEPEXECUTIONID = ?1 AND PARTITIONEXECUTIONID = ?2")
                .setParameter(1, stepExecutionId).setParameter(2, partition).getResultList();
        if (rows.isEmpty()) {
            return null;
        }
        Object[] row = (Object[]) rows.get(0);
        return new byte[][] {bytes(row[0]), bytes(row[1]), bytes(row[2])};
    }

    private static byte[] bytes(Object column) {
        try {
            if (column instanceof java.sql.Blob b) {
                return b.getBytes(1, (int) b.length());
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("A checkpoint could not be read", e);
        }
        return (byte[]) column;
    }

    /** Whether a server other than this one is live (its last heartbeat younger than its lease). */
    public boolean othersLive() {
        return servers().stream().anyMatch(s -> s.live() && !s.name().equals(NAME));
    }

    /** The servers the database knows, by name. */
    @Transactional
    public List<Server> servers() {
        long now = databaseNow();
        return em.createQuery("select s from ServerRecord s order by s.name", ServerRecord.class).getResultList()
                .stream().map(s -> s.view(now)).toList();
    }

    /** The database's clock, in milliseconds since the epoch. */
    @Transactional
    public long databaseNow() {
        Object now = em.createNativeQuery("SELECT CURRENT_TIMESTAMP").getSingleResult();
        if (now instanceof Timestamp t) {
            return t.getTime();
        } else if (now instanceof Date d) {
            return d.getTime();
        } else if (now instanceof OffsetDateTime o) {
            return o.toInstant().toEpochMilli();
        } else if (now instanceof ZonedDateTime z) {
            return z.toInstant().toEpochMilli();
        } else if (now instanceof Instant i) {
            return i.toEpochMilli();
        }
        throw new IllegalStateException("The database answered CURRENT_TIMESTAMP with a " + now.getClass().getName());
    }
}
