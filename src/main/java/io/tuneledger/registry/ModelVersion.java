package io.tuneledger.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;

/**
 * A registered model version: what it was trained from (base model, dataset version), how (every parameter), what it
 * scored, where its artifact is and its weights' SHA-256, which job execution made it, and its status.
 */
@Entity
@Table(name = "model_version", uniqueConstraints = @UniqueConstraint(columnNames = {"name", "version"}))
public class ModelVersion {

    /** Lifecycle of a model version. A version below the quality gate is recorded as rejected, never dropped. */
    public enum Status {
        CANDIDATE, PROMOTED, REJECTED
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, length = 100)
    private String name;

    @Column(name = "version", nullable = false)
    private int versionNumber;

    @Column(name = "base_model", nullable = false, length = 1000)
    private String baseModel;

    @Column(name = "base_model_sha256", nullable = false, length = 64)
    private String baseModelSha256;

    @Column(name = "dataset_name", nullable = false, length = 100)
    private String datasetName;

    @Column(name = "dataset_version", nullable = false)
    private int datasetVersion;

    @Column(name = "dataset_sha256", nullable = false, length = 64)
    private String datasetSha256;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 20)
    private Status status;

    @Column(name = "test_macro_f1", nullable = false)
    private double testMacroF1;

    @Column(name = "weights_sha256", nullable = false, length = 64)
    private String weightsSha256;

    @Column(nullable = false, length = 1000)
    private String path;

    @Column(name = "job_instance_id", nullable = false)
    private long jobInstanceId;

    @Column(name = "job_execution_id", nullable = false)
    private long jobExecutionId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    /** Parameters, labels, metrics, gate decision and lineage as JSON (also in the artifact's provenance.json). */
    @Column(nullable = false, length = 1_000_000)
    private String details;

    protected ModelVersion() {
    }

    public ModelVersion(String name, int version, String baseModel, String baseModelSha256, String datasetName,
            int datasetVersion, String datasetSha256, Status status, double testMacroF1, String weightsSha256,
            String path, long jobInstanceId, long jobExecutionId, Instant createdAt, String details) {
        this.name = name;
        this.versionNumber = version;
        this.baseModel = baseModel;
        this.baseModelSha256 = baseModelSha256;
        this.datasetName = datasetName;
        this.datasetVersion = datasetVersion;
        this.datasetSha256 = datasetSha256;
        this.status = status;
        this.testMacroF1 = testMacroF1;
        this.weightsSha256 = weightsSha256;
        this.path = path;
        this.jobInstanceId = jobInstanceId;
        this.jobExecutionId = jobExecutionId;
        this.createdAt = createdAt;
        this.details = details;
    }

    public Long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public int version() {
        return versionNumber;
    }

    /** {@code name vN}, as the ledger and the reports name a version. */
    public String ref() {
        return name + " v" + versionNumber;
    }

    public String baseModel() {
        return baseModel;
    }

    public String baseModelSha256() {
        return baseModelSha256;
    }

    public String datasetName() {
        return datasetName;
    }

    public int datasetVersion() {
        return datasetVersion;
    }

    public String datasetSha256() {
        return datasetSha256;
    }

    public Status status() {
        return status;
    }

    /** Moves the version to {@code next}: only candidate and promoted versions move, between each other. */
    void moveTo(Status next) {
        if (status == Status.REJECTED || next == Status.REJECTED) {
            throw new IllegalStateException(name + " v" + versionNumber + " is " + status + ": it cannot become "
                    + next);
        }
        status = next;
    }

    public double testMacroF1() {
        return testMacroF1;
    }

    public String weightsSha256() {
        return weightsSha256;
    }

    public String path() {
        return path;
    }

    public long jobInstanceId() {
        return jobInstanceId;
    }

    public long jobExecutionId() {
        return jobExecutionId;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public String details() {
        return details;
    }
}
