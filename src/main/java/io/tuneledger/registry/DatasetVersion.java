package io.tuneledger.registry;

import io.tuneledger.data.DatasetManifest;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;

/**
 * One immutable version of a dataset: where its files are, their content hash, the source's hash, the main counts,
 * and the full manifest (JSON) with cleaning configuration, quarantine and duplicate counts and token statistics.
 * Rows are only ever inserted.
 */
@Entity
@Table(name = "dataset_version", uniqueConstraints = {
        @UniqueConstraint(name = "uk_dataset_version", columnNames = {"name", "version"}),
        @UniqueConstraint(name = "uk_dataset_job_instance", columnNames = {"job_instance_id"})})
public class DatasetVersion {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, length = 100)
    private String name;

    @Column(name = "version", nullable = false)
    private int versionNumber;

    @Column(name = "content_sha256", nullable = false, length = 64)
    private String contentSha256;

    @Column(name = "source_sha256", nullable = false, length = 64)
    private String sourceSha256;

    @Column(name = "source", nullable = false, length = 1000)
    private String source;

    @Column(name = "read_count", nullable = false)
    private long readCount;

    @Column(name = "record_count", nullable = false)
    private long recordCount;

    @Column(name = "quarantined_count", nullable = false)
    private long quarantinedCount;

    @Column(name = "duplicate_count", nullable = false)
    private long duplicateCount;

    @Column(nullable = false, length = 100)
    private String tokenizer;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "job_instance_id", nullable = false)
    private long jobInstanceId;

    @Column(name = "job_execution_id", nullable = false)
    private long jobExecutionId;

    @Column(nullable = false, length = 1000)
    private String path;

    @Column(nullable = false, length = 1_000_000)
    private String manifest;

    protected DatasetVersion() {
    }

    public DatasetVersion(String name, int version, String contentSha256, String sourceSha256, String source,
            long readCount, long recordCount, long quarantinedCount, long duplicateCount, String tokenizer,
            Instant createdAt, long jobInstanceId, long jobExecutionId, String path, String manifest) {
        this.name = name;
        this.versionNumber = version;
        this.contentSha256 = contentSha256;
        this.sourceSha256 = sourceSha256;
        this.source = source;
        this.readCount = readCount;
        this.recordCount = recordCount;
        this.quarantinedCount = quarantinedCount;
        this.duplicateCount = duplicateCount;
        this.tokenizer = tokenizer;
        this.createdAt = createdAt;
        this.jobInstanceId = jobInstanceId;
        this.jobExecutionId = jobExecutionId;
        this.path = path;
        this.manifest = manifest;
    }

    /** The row of a version from its manifest; its files are at {@code path}. */
    public DatasetVersion(DatasetManifest m, String source, String path) {
        this(m.name(), m.version(), m.contentSha256(), m.source().sha256(), source, m.statistics().counts().read(),
                m.statistics().counts().records(), m.statistics().counts().quarantined(),
                m.statistics().counts().duplicates(), m.tokenizer().name(), m.createdAt(), m.jobInstanceId(),
                m.jobExecutionId(), path, m.toJson().toString());
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

    public String contentSha256() {
        return contentSha256;
    }

    public String sourceSha256() {
        return sourceSha256;
    }

    public String source() {
        return source;
    }

    public long readCount() {
        return readCount;
    }

    public long recordCount() {
        return recordCount;
    }

    public long quarantinedCount() {
        return quarantinedCount;
    }

    public long duplicateCount() {
        return duplicateCount;
    }

    public String tokenizer() {
        return tokenizer;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public long jobInstanceId() {
        return jobInstanceId;
    }

    public long jobExecutionId() {
        return jobExecutionId;
    }

    public String path() {
        return path;
    }

    public String manifest() {
        return manifest;
    }
}
