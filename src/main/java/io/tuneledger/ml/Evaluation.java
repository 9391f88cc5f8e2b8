package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.function.Function;

/**
 * The evaluate step's result (the run directory's evaluation.json, also in the model's registry details and
 * provenance): the fine-tuned model's best-epoch figures on test and validation, the baseline beside it, the gain in
 * the primary figure, and the training record.
 */
public record Evaluation(TaskMetrics test, TaskMetrics validation, Baseline baseline, TrainingRecord training) {

    /** The fine-tuned model's primary test figure minus the baseline's. */
    public double gainOverBaseline() {
        return test.primary() - baseline.test().primary();
    }

    public JsonObject toJson() {
        return Json.createObjectBuilder()
                .add("test", test.toJson())
                .add("validation", validation.toJson())
                .add("baseline", baseline.toJson())
                .add("macroF1GainOverBaseline", gainOverBaseline())
                .add("training", training.toJson())
                .build();
    }

    /** Reads what {@link #toJson()} wrote, with the task's reader of its figures. */
    public static Evaluation fromJson(JsonObject json, Function<JsonObject, TaskMetrics> metrics) {
        return new Evaluation(metrics.apply(json.getJsonObject("test")),
                metrics.apply(json.getJsonObject("validation")),
                Baseline.fromJson(json.getJsonObject("baseline"), metrics),
                TrainingRecord.fromJson(json.getJsonObject("training")));
    }
}
