package io.tuneledger.batch;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * Who runs a job execution: the server (its stable name) and the server process (its incarnation), and until when the
 * claim holds unless renewed (milliseconds of the database's clock, so that servers' clocks need not agree). A row
 * lives from the launch until the job ends; {@link ExecutionOwnership} claims, renews and releases it.
 */
@Entity
@Table(name = "execution_lease")
public class ExecutionLease {

    @Id
    @Column(name = "execution_id")
    private long executionId;

    @Column(nullable = false, length = 200)
    private String server;

    @Column(nullable = false, length = 200)
    private String incarnation;

    @Column(name = "acquired_at", nullable = false)
    private long acquiredAt;

    @Column(name = "expires_at", nullable = false)
    private long expiresAt;

    /** Set by another server that was asked to stop this execution; the owner stops it at its next heartbeat. */
    @Column(name = "stop_requested", nullable = false)
    private boolean stopRequested;

    protected ExecutionLease() {
    }

    ExecutionLease(long executionId, String server, String incarnation, long now, long expiresAt) {
        this.executionId = executionId;
        this.server = server;
        this.incarnation = incarnation;
        this.acquiredAt = now;
        this.expiresAt = expiresAt;
    }

    ExecutionOwnership.Lease view() {
        return new ExecutionOwnership.Lease(executionId, server, incarnation, acquiredAt, expiresAt, stopRequested);
    }
}
