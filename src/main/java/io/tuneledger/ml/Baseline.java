package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What the fine-tuned model is compared with: how the baseline was made ({@code mode}: {@code head} for the frozen
 * encoder, {@code base} for the base model as it is, {@code teacher} for a distillation's teacher), its training
 * steps and best epoch, its validation and test figures, the test figures of any further comparison, by name
 * (retrieval: {@code BM25}; none for classification), and for a distillation the student's size and speed against
 * the teacher's ({@code speed}, null otherwise).
 */
public record Baseline(String mode, int steps, int bestEpoch, TaskMetrics validation, TaskMetrics test,
        Map<String, TaskMetrics> alsoCompared, StudentSpeed speed) {

    /** The mode of a distillation's baseline: the teacher as registered. */
    public static final String TEACHER = "teacher";

    public Baseline {
        alsoCompared = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(alsoCompared));
    }

    public Baseline(String mode, int steps, int bestEpoch, TaskMetrics validation, TaskMetrics test,
            Map<String, TaskMetrics> alsoCompared) {
        this(mode, steps, bestEpoch, validation, test, alsoCompared, null);
    }

    public Baseline(String mode, int steps, int bestEpoch, TaskMetrics validation, TaskMetrics test) {
        this(mode, steps, bestEpoch, validation, test, Map.of());
    }

    /** The mode as a person reads it: {@code frozen encoder} for {@code head}, {@code base model} for {@code base}. */
    public String describeMode() {
        return switch (mode) {
            case "head" -> "frozen encoder";
            case "base" -> "base model";
            case TEACHER -> "teacher";
            default -> mode;
        };
    }

    public JsonObject toJson() {
        JsonObjectBuilder json = Json.createObjectBuilder().add("mode", mode).add("steps", steps)
                .add("bestEpoch", bestEpoch).add("validation", validation.toJson()).add("test", test.toJson());
        if (!alsoCompared.isEmpty()) {
            JsonObjectBuilder others = Json.createObjectBuilder();
            alsoCompared.forEach((name, metrics) -> others.add(name, metrics.toJson()));
            json.add("alsoCompared", others);
        }
        if (speed != null) {
            json.add("speed", speed.toJson());
        }
        return json.build();
    }

    public static Baseline fromJson(JsonObject json, Function<JsonObject, TaskMetrics> metrics) {
        Map<String, TaskMetrics> others = new LinkedHashMap<>();
        if (json.containsKey("alsoCompared")) {
            json.getJsonObject("alsoCompared").forEach((name, value) -> others.put(name,
                    metrics.apply(value.asJsonObject())));
        }
        return new Baseline(json.getString("mode"), json.getInt("steps"), json.getInt("bestEpoch"),
                metrics.apply(json.getJsonObject("validation")), metrics.apply(json.getJsonObject("test")), others,
                json.containsKey("speed") ? StudentSpeed.fromJson(json.getJsonObject("speed")) : null);
    }
}
