package io.tuneledger.ml;

import jakarta.json.JsonObject;
import java.util.Map;

/**
 * What a task measures on a split. Every task has one primary figure: what early stopping follows, the quality gate
 * compares and the report puts first (classification: macro-F1).
 */
public interface TaskMetrics {

    /** The primary figure; higher is better. */
    double primary();

    /** The headline figures by name, the primary first ({@code macroF1}, {@code accuracy}), for progress displays. */
    Map<String, Double> summary();

    /** The headline figures for a log line or a console: {@code macroF1 0.908, accuracy 0.912}. */
    default String describe() {
        StringBuilder line = new StringBuilder();
        summary().forEach((name, value) -> line.append(line.isEmpty() ? "" : ", ").append(name).append(' ')
                .append(String.format(java.util.Locale.ROOT, "%.3f", value)));
        return line.toString();
    }

    /** The figures as JSON, readable again by the task's {@link FineTuningTask#metrics(JsonObject)}. */
    JsonObject toJson();
}
