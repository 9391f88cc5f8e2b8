package io.tuneledger.audit;

import java.util.Locale;

/** What an audit event records; {@link #id()} is the text stored, hashed and shown ({@code job.launched}). */
public enum AuditAction {
    SYSTEM_BOOT("system.boot"),
    /** A new ledger key signs events from this one on. */
    LEDGER_KEY_ROTATED("ledger.key-rotated"),
    AUTH_FAILED("auth.failed"),
    /** The failed and refused sign-ins of one client address in one burst, counted (the first is also AUTH_FAILED). */
    AUTH_FAILED_BURST("auth.failed-burst"),
    JOB_LAUNCHED("job.launched"),
    JOB_RESTART_REQUESTED("job.restart-requested"),
    JOB_STOP_REQUESTED("job.stop-requested"),
    JOB_ABANDONED("job.abandoned"),
    JOB_RECOVERED("job.recovered"),
    JOB_STARTED("job.started"),
    JOB_RESTARTED("job.restarted"),
    JOB_COMPLETED("job.completed"),
    JOB_FAILED("job.failed"),
    JOB_STOPPED("job.stopped"),
    /** An execution that ended in another status (the runtime reports no other today). */
    JOB_ENDED("job.ended"),
    STEP_STARTED("step.started"),
    STEP_ENDED("step.ended"),
    STEP_FAILED("step.failed"),
    /** A partition that its job's server dispatched over the broker started on a server (named in the details). */
    PARTITION_STARTED("partition.started"),
    /** A dispatched partition ended on a server and was reported back to its job's server. */
    PARTITION_ENDED("partition.ended"),
    TRAINING_CHECKPOINT("training.checkpoint"),
    DATASET_CREATED("dataset.created"),
    STUDY_COMPLETED("study.completed"),
    MODEL_REGISTERED("model.registered"),
    MODEL_REJECTED("model.rejected"),
    MODEL_PROMOTED("model.promoted"),
    /** A model version's ONNX export was made (and, for int8, measured against fp32) for a score job. */
    MODEL_EXPORTED("model.exported"),
    PREDICTIONS_WRITTEN("predictions.written"),
    INDEX_BUILT("index.built"),
    SEARCH_RESULTS_WRITTEN("search.written"),
    REPORT_DOWNLOADED("report.downloaded"),
    RETENTION_PLANNED("retention.planned"),
    RETENTION_PURGED("retention.purged");

    private final String id;

    AuditAction(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The event of a job execution that ended in {@code batchStatus}. */
    public static AuditAction jobEnded(String batchStatus) {
        return switch (batchStatus == null ? "" : batchStatus.toUpperCase(Locale.ROOT)) {
            case "COMPLETED" -> JOB_COMPLETED;
            case "FAILED" -> JOB_FAILED;
            case "STOPPED" -> JOB_STOPPED;
            default -> JOB_ENDED;
        };
    }

    @Override
    public String toString() {
        return id;
    }
}
