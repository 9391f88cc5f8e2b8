package io.tuneledger.job;

import java.time.Instant;
import java.util.Map;

/**
 * One step execution: status, times, the runtime's metrics (read, write, commit, rollback, ... counts), the step's
 * own counts (accepted, quarantined, ...), figures, and its progress through its input.
 */
public record StepInfo(long stepExecutionId, String stepName, String batchStatus, String exitStatus,
        Instant startTime, Instant endTime, Map<String, Long> metrics, Map<String, Long> counts,
        Map<String, Double> values, Progress progress) {

    /** {@code done} of {@code total} {@code unit}; {@code fraction} in [0, 1], or null when the total is unknown. */
    public record Progress(long done, Long total, String unit, Double fraction) {

        /** The progress a step stored, or null when it stored none. */
        public static Progress of(StepProgress p, boolean completed) {
            return p.done() == null ? null : new Progress(p.done(), p.total(),
                    p.unit() == null ? StepProgress.Unit.ITEMS.label() : p.unit().label(), p.fraction(completed));
        }
    }
}
