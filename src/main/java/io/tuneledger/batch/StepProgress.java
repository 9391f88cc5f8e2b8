package io.tuneledger.batch;

import jakarta.batch.runtime.context.StepContext;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Progress and counts of a running step, kept in the step's persistent user data so that the job repository stores
 * them with every checkpoint and the API can show them. Only JDK types are stored, so the data stays readable
 * whatever version of the application reads it.
 */
public final class StepProgress {

    /** Key of the units done so far. */
    public static final String DONE = "progress.done";
    /** Key of the total units, when known. */
    public static final String TOTAL = "progress.total";
    /** Key of the unit's name index: see {@link #UNITS}. */
    public static final String UNIT = "progress.unit";
    /** Unit names by index. */
    public static final String[] UNITS = {"bytes", "items", "steps"};
    /** Key prefix of a curve: see {@link #curves}. */
    public static final String CURVE = "curve.";

    /** A snapshot of progress: {@code done} of {@code total} {@code unit}s ({@code total} &lt; 0: unknown). */
    public record Progress(long done, long total, int unit) {
    }

    private StepProgress() {
    }

    /** Records progress in the step's persistent user data. */
    public static void publish(StepContext step, Progress progress) {
        update(step, data -> {
            data.put(DONE, progress.done());
            data.put(TOTAL, progress.total());
            data.put(UNIT, (long) progress.unit());
        });
    }

    /** Records a named count (accepted, quarantined, ...) in the step's persistent user data. */
    public static void count(StepContext step, String name, long value) {
        update(step, data -> data.put("count." + name, value));
    }

    /** Records named figures (loss, validation macro-F1, ...) in the step's persistent user data. */
    public static void values(StepContext step, Map<String, Double> values) {
        updateAny(step, data -> values.forEach((name, value) -> {
            if (Double.isFinite(value)) {
                data.put("value." + name, value);
            }
        }));
    }

    /**
     * Records whole curves (loss per optimisation step, validation figures per epoch) in the step's persistent user
     * data, as {@code double[]} under {@code curve.<name>}: the console draws them while the step runs.
     */
    public static void curves(StepContext step, Map<String, List<? extends Number>> curves) {
        updateAny(step, data -> curves.forEach((name, points) -> {
            double[] values = new double[points.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = points.get(i).doubleValue();
            }
            data.put(CURVE + name, values);
        }));
    }

    /** Replaces the user data with an updated copy: the runtime persists what was last set. */
    private static void update(StepContext step, Consumer<HashMap<String, Long>> change) {
        updateAny(step, data -> {
            HashMap<String, Long> longs = new HashMap<>();
            change.accept(longs);
            data.putAll(longs);
        });
    }

    @SuppressWarnings("unchecked")
    private static void updateAny(StepContext step, Consumer<HashMap<String, Serializable>> change) {
        HashMap<String, Serializable> data = new HashMap<>();
        if (step.getPersistentUserData() instanceof HashMap<?, ?> current) {
            data.putAll((Map<String, Serializable>) current);
        }
        change.accept(data);
        step.setPersistentUserData(data);
    }
}
