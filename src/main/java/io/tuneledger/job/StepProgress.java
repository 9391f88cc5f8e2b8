package io.tuneledger.job;

import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A step's progress and figures as the job repository keeps them: units done of a total, named counts (accepted,
 * quarantined, ...), named values (loss, validation macro-F1, ...) and whole curves. The steps write it into their
 * persistent user data with every checkpoint; the launcher and the console read it back. The one type both sides use:
 * the stored form is a map of JDK types only, so it stays readable whatever version of the application reads it.
 */
public record StepProgress(Long done, Long total, Unit unit, Map<String, Long> counts, Map<String, Double> values,
        Map<String, double[]> curves) {

    /** What {@code done} and {@code total} count; stored as the index (bytes 0, items 1, steps 2). */
    public enum Unit {
        BYTES, ITEMS, STEPS;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final String DONE = "progress.done";
    private static final String TOTAL = "progress.total";
    private static final String UNIT = "progress.unit";
    private static final String COUNT = "count.";
    private static final String VALUE = "value.";
    private static final String CURVE = "curve.";

    public static final StepProgress NONE = new StepProgress(null, null, null, Map.of(), Map.of(), Map.of());

    public StepProgress {
        counts = Collections.unmodifiableMap(new TreeMap<>(counts));
        values = Collections.unmodifiableMap(new TreeMap<>(values));
        curves = Collections.unmodifiableMap(new TreeMap<>(curves));
    }

    /** What a step stored; {@link #NONE} for anything else (no data, another application's). */
    public static StepProgress of(Serializable userData) {
        if (!(userData instanceof Map<?, ?> map)) {
            return NONE;
        }
        Long done = null;
        Long total = null;
        Unit unit = null;
        Map<String, Long> counts = new TreeMap<>();
        Map<String, Double> values = new TreeMap<>();
        Map<String, double[]> curves = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                continue;
            }
            Object v = e.getValue();
            if (key.startsWith(VALUE) && v instanceof Double d) {
                values.put(key.substring(VALUE.length()), d);
            } else if (key.startsWith(CURVE) && v instanceof double[] points) {
                curves.put(key.substring(CURVE.length()), points);
            } else if (key.startsWith(COUNT) && v instanceof Long n) {
                counts.put(key.substring(COUNT.length()), n);
            } else if (key.equals(DONE) && v instanceof Long n) {
                done = n;
            } else if (key.equals(TOTAL) && v instanceof Long n) {
                total = n >= 0 ? n : null;
            } else if (key.equals(UNIT) && v instanceof Long n && n >= 0 && n < Unit.values().length) {
                unit = Unit.values()[n.intValue()];
            }
        }
        return new StepProgress(done, total, unit, counts, values, curves);
    }

    /**
     * The progress of a partitioned step from its partitions' own: units done and totals added up (the total unknown
     * while any partition's is), counts added up; no progress while no partition has stored any yet. Partitions
     * that have not started yet are not among {@code partitions}, so with more partitions than threads the total grows
     * as they start.
     */
    public static StepProgress sum(List<StepProgress> partitions) {
        Long done = null;
        Long total = 0L;
        Unit unit = null;
        Map<String, Long> counts = new TreeMap<>();
        for (StepProgress p : partitions) {
            p.counts.forEach((name, n) -> counts.merge(name, n, Long::sum));
            if (p.done == null) {
                continue;
            }
            done = (done == null ? 0 : done) + p.done;
            total = total == null || p.total == null ? null : total + p.total;
            unit = unit == null ? p.unit : unit;
        }
        return done == null ? new StepProgress(null, null, null, counts, Map.of(), Map.of())
                : new StepProgress(done, total, unit, counts, Map.of(), Map.of());
    }

    /** The stored form: a {@link HashMap} of JDK types. */
    public HashMap<String, Serializable> toUserData() {
        HashMap<String, Serializable> data = new HashMap<>();
        if (done != null) {
            data.put(DONE, done);
            data.put(TOTAL, total == null ? -1L : total);
            data.put(UNIT, (long) (unit == null ? Unit.ITEMS : unit).ordinal());
        }
        counts.forEach((k, v) -> data.put(COUNT + k, v));
        values.forEach((k, v) -> data.put(VALUE + k, v));
        curves.forEach((k, v) -> data.put(CURVE + k, v));
        return data;
    }

    /** {@code done} of {@code total} (negative: unknown) {@code unit}s. */
    public StepProgress withProgress(long done, long total, Unit unit) {
        return new StepProgress(done, total >= 0 ? total : null, unit, counts, values, curves);
    }

    public StepProgress withCount(String name, long value) {
        Map<String, Long> c = new TreeMap<>(counts);
        c.put(name, value);
        return new StepProgress(done, total, unit, c, values, curves);
    }

    /** With these values; non-finite ones are left out (JSON has no NaN). */
    public StepProgress withValues(Map<String, Double> more) {
        Map<String, Double> v = new TreeMap<>(values);
        more.forEach((name, value) -> {
            if (value != null && Double.isFinite(value)) {
                v.put(name, value);
            }
        });
        return new StepProgress(done, total, unit, counts, v, curves);
    }

    /** With these whole curves, replacing earlier ones of the same name. */
    public StepProgress withCurves(Map<String, List<? extends Number>> more) {
        Map<String, double[]> c = new TreeMap<>(curves);
        more.forEach((name, points) -> c.put(name, points.stream().mapToDouble(Number::doubleValue).toArray()));
        return new StepProgress(done, total, unit, counts, values, c);
    }

    /** The share done in [0, 1]: 1 once the step completed, null while the total is unknown. */
    public Double fraction(boolean completed) {
        if (done == null || total == null) {
            return null;
        }
        return completed || total == 0 ? 1.0 : Math.min(1.0, done / (double) total);
    }
}
