package io.tuneledger.batch;

import io.tuneledger.job.StepProgress;
import io.tuneledger.ml.TrainingCurves;
import jakarta.batch.runtime.context.StepContext;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Writes a step's {@link StepProgress} (progress, counts, figures, curves) into its persistent user data, which the
 * runtime stores with every checkpoint and the API shows.
 */
final class StepFigures {

    private StepFigures() {
    }

    static void progress(StepContext step, long done, long total, StepProgress.Unit unit) {
        update(step, p -> p.withProgress(done, total, unit));
    }

    static void count(StepContext step, String name, long value) {
        update(step, p -> p.withCount(name, value));
    }

    static void values(StepContext step, Map<String, Double> values) {
        update(step, p -> p.withValues(values));
    }

    static void curves(StepContext step, TrainingCurves curves) {
        update(step, p -> p.withCurves(curves.byName()));
    }

    /** Replaces the user data with an updated copy: the runtime persists what was last set. */
    private static void update(StepContext step, UnaryOperator<StepProgress> change) {
        step.setPersistentUserData(change.apply(StepProgress.of(step.getPersistentUserData())).toUserData());
    }
}
