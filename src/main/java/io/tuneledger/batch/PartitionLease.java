package io.tuneledger.batch;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * Who runs a partition that another server dispatched (over the broker, {@link PartitionBroker}): the server and its
 * process, and until when unless renewed. The key names the partition across restarts of its job (job instance, step,
 * partition number), so that a partition that runs on a server cut off from the broker is not run a second time
 * elsewhere while that server still holds it. A row lives while the partition runs; the heartbeat renews it.
 */
@Entity
@Table(name = "partition_lease")
public class PartitionLease {

    @Id
    @Column(length = 300)
    private String partition;

    @Column(name = "execution_id", nullable = false)
    private long executionId;

    @Column(nullable = false, length = 200)
    private String server;

    @Column(nullable = false, length = 200)
    private String incarnation;

    @Column(name = "acquired_at", nullable = false)
    private long acquiredAt;

    @Column(name = "expires_at", nullable = false)
    private long expiresAt;

    protected PartitionLease() {
    }

    PartitionLease(String partition, long executionId, String server, String incarnation, long now, long expiresAt) {
        this.partition = partition;
        this.executionId = executionId;
        this.server = server;
        this.incarnation = incarnation;
        this.acquiredAt = now;
        this.expiresAt = expiresAt;
    }

    String server() {
        return server;
    }

    String incarnation() {
        return incarnation;
    }

    long expiresAt() {
        return expiresAt;
    }
}
