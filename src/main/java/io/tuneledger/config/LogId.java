package io.tuneledger.config;

/**
 * The stable ids of the log messages operators grep (like JBeret's {@code JBERET000021}), declared here and nowhere
 * else: a message starts with its id, {@code LOG.info(() -> LogId.JOB_STARTED + " Job ...")}. A unit test keeps the
 * numbers unique and the sources free of literal ids.
 */
public enum LogId {
    JOB_STARTED(1, "a job execution started"),
    JOB_ENDED(2, "a job execution ended, with its batch and exit status"),
    JOB_LAUNCHED(10, "a job was launched (by the launcher)"),
    JOB_RESTARTED(11, "an execution was restarted"),
    STOP_REQUESTED(12, "a stop was requested"),
    JOB_ABANDONED(13, "an execution was abandoned"),
    IDEMPOTENCY_CLAIM_TAKEN_OVER(14, "an Idempotency-Key claimed by a launch that never finished was taken over"),
    CRASHED_EXECUTION_FAILED(20, "an execution whose server stopped (its lease expired, or this server's earlier"
            + " process) was marked FAILED (CRASHED)"),
    NO_JOB_REPOSITORY_YET(21, "crash recovery found no job repository tables yet (a new database)"),
    CRASHED_EXECUTION_NOT_MARKED(22, "an execution left running by a crashed server could not be marked FAILED"),
    HEARTBEAT_FAILED(23, "a heartbeat (lease renewal, recovery) failed, once per outage; or heartbeats succeed again"),
    PARTITION_BROKER(24, "partitions are dispatched over the broker to every server's partition workers (or the"
            + " broker is not configured: partitions run on the job's server)"),
    PARTITION_WORKER_DISCONNECTED(25, "a partition worker lost the broker, once per outage; it connects again by"
            + " itself"),
    PARTITION_RAN(26, "a partition dispatched by another server (or this one) ran here and was reported back"),
    STEP_RESUMES(101, "a step resumes from its checkpoint"),
    DATASET_REGISTERED(200, "a dataset version was registered"),
    DATASET_ALREADY_REGISTERED(201, "a restarted prepare-dataset found its version registered already"),
    TRAINING_STARTS(300, "training starts"),
    TRAINING_RESUMES(301, "training resumes from a saved state"),
    TRAINING_STATE_SAVED(302, "a training state was saved (FINE)"),
    TRAINING_LOOP_RESUMES(303, "a baseline's training resumes from its saved state"),
    TRAINING_LOOP_STATE_SAVED(304, "a baseline's training state was saved (FINE)"),
    BASELINE_STOPPED(310, "the baseline's training stopped on request"),
    BASELINE_RESULT(311, "the baseline's test figures"),
    TEST_RESULT(320, "the fine-tuned model's test figures"),
    GATE_DECISION(330, "the quality gate's decision"),
    MODEL_ALREADY_REGISTERED(340, "a restarted fine-tune found its model version registered already"),
    MODEL_REGISTERED(341, "a model version was registered"),
    STUDY_PLANNED(350, "a cross-validation or search planned its folds and trials (or kept the plan on a restart)"),
    STUDY_RESULT(351, "a cross-validation's or search's result: the mean figure, or the best trial"),
    PREDICTIONS_WRITTEN(401, "a predictions file was written"),
    INDEX_BUILT(410, "a search job embedded a corpus into an index file"),
    INDEX_REUSED(411, "a search job found the corpus already embedded by the model version and reused the index"),
    INDEX_STALE(412, "a reusable index does not match its record; the corpus is embedded again"),
    SEARCH_RESULTS_WRITTEN(420, "a search results file was written"),
    LEDGER_READY(500, "the audit ledger is ready; the boot was recorded"),
    LEDGER_BOOT_REFUSED(501, "the audit ledger refused the boot event (check GET /api/audit/verify)"),
    AUTH_FAILURE_NOT_RECORDED(502, "a failed authentication could not be recorded in the ledger"),
    AUTH_FAILURE_RECORDED(503, "a failed authentication (recorded in the ledger)"),
    AUTH_THROTTLED(504, "a client address failed to sign in too often and must wait (once per burst)"),
    AUTH_BURST_RECORDED(505, "a burst of failed sign-ins from one address ended; its counts are in the ledger"),
    LEDGER_ANCHORED(506, "the ledger's head was written to the anchor file (the line follows)"),
    LEDGER_ANCHORS_STARTED(507, "a new anchor file was started; events from the given one on carry MACs"),
    LEDGER_ANCHOR_FAILED(508, "the ledger's head could not be anchored"),
    LEDGER_KEY_ROTATED(509, "a new ledger key signs events from now on"),
    RETENTION_RAN(600, "the retention job removed what its plan lists"),
    RETENTION_DRY_RUN(601, "the retention job's dry run (nothing removed)"),
    RETENTION_CACHE_KEPT(602, "purged executions stay in the runtime's cache until the next start");

    private final int number;
    private final String meaning;

    LogId(int number, String meaning) {
        this.number = number;
        this.meaning = meaning;
    }

    /** What a message with this id reports, for the operations reference. */
    public String meaning() {
        return meaning;
    }

    public int number() {
        return number;
    }

    /** {@code TUNE} and the number in four digits: {@code TUNE0001}. */
    @Override
    public String toString() {
        return String.format("TUNE%04d", number);
    }
}
