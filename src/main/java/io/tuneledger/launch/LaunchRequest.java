package io.tuneledger.launch;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A launch made with an {@code Idempotency-Key}: which job and parameters (their SHA-256) the key stands for, and
 * the execution it started (null for the moment between claiming the key and the start).
 */
@Entity
@Table(name = "launch_request")
public class LaunchRequest {

    @Id
    @Column(name = "idempotency_key", length = 200)
    private String key;

    @Column(name = "job_name", nullable = false, length = 100)
    private String jobName;

    @Column(name = "parameters_sha256", nullable = false, length = 64)
    private String parametersSha256;

    @Column(name = "execution_id")
    private Long executionId;

    @Column(nullable = false, length = 200)
    private String actor;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected LaunchRequest() {
    }

    LaunchRequest(String key, String jobName, String parametersSha256, String actor, Instant createdAt) {
        this.key = key;
        this.jobName = jobName;
        this.parametersSha256 = parametersSha256;
        this.actor = actor;
        this.createdAt = createdAt;
    }

    String jobName() {
        return jobName;
    }

    String parametersSha256() {
        return parametersSha256;
    }

    Long executionId() {
        return executionId;
    }

    Instant createdAt() {
        return createdAt;
    }

    void started(long id) {
        this.executionId = id;
    }
}
