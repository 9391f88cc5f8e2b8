package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.function.Function;

/**
 * What the fine-tuned model is compared with: how the baseline was made ({@code mode}: {@code head} for the frozen
 * encoder), its training steps and best epoch, and its validation and test figures.
 */
public record Baseline(String mode, int steps, int bestEpoch, TaskMetrics validation, TaskMetrics test) {

    /** The mode as a person reads it: {@code frozen encoder} for {@code head}. */
    public String describeMode() {
        return "head".equals(mode) ? "frozen encoder" : mode;
    }

    public JsonObject toJson() {
        return Json.createObjectBuilder().add("mode", mode).add("steps", steps).add("bestEpoch", bestEpoch)
                .add("validation", validation.toJson()).add("test", test.toJson()).build();
    }

    public static Baseline fromJson(JsonObject json, Function<JsonObject, TaskMetrics> metrics) {
        return new Baseline(json.getString("mode"), json.getInt("steps"), json.getInt("bestEpoch"),
                metrics.apply(json.getJsonObject("validation")), metrics.apply(json.getJsonObject("test")));
    }
}
