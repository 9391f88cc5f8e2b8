package io.tuneledger.batch;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A server of the installation as the database last heard of it: its stable name, the process that runs under that
 * name now (its incarnation), when that process started and when it last beat (milliseconds of the database's clock).
 */
@Entity
@Table(name = "tuneledger_server")
public class ServerRecord {

    @Id
    @Column(length = 200)
    private String name;

    @Column(nullable = false, length = 200)
    private String incarnation;

    @Column(name = "started_at", nullable = false)
    private long startedAt;

    @Column(name = "heartbeat_at", nullable = false)
    private long heartbeatAt;

    @Column(name = "lease_millis", nullable = false)
    private long leaseMillis;

    protected ServerRecord() {
    }

    ServerRecord(String name) {
        this.name = name;
    }

    void beat(String incarnation, long now, long leaseMillis) {
        if (!incarnation.equals(this.incarnation)) {
            this.incarnation = incarnation;
            this.startedAt = now;
        }
        this.heartbeatAt = now;
        this.leaseMillis = leaseMillis;
    }

    ExecutionOwnership.Server view(long now) {
        return new ExecutionOwnership.Server(name, incarnation, startedAt, heartbeatAt,
                now <= heartbeatAt + leaseMillis);
    }
}
