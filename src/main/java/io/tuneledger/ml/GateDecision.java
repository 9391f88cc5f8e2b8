package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * The quality gate's decision: the test figure it compared, its value, the threshold (null: no gate) and the
 * outcome, which becomes the gate step's exit status. A failed gate does not fail the job: the model is registered
 * as rejected, so the record shows what was tried.
 */
public record GateDecision(String metric, double value, Double threshold, Outcome decision) {

    /** The gate step's exit statuses. */
    public enum Outcome {
        PASSED, GATE_FAILED, NO_GATE
    }

    /** Compares {@code value} with {@code threshold}; a value at the threshold passes. */
    public static GateDecision decide(String metric, double value, Double threshold) {
        Outcome outcome = threshold == null ? Outcome.NO_GATE : value >= threshold ? Outcome.PASSED
                : Outcome.GATE_FAILED;
        return new GateDecision(metric, value, threshold, outcome);
    }

    public boolean rejected() {
        return decision == Outcome.GATE_FAILED;
    }

    public JsonObject toJson() {
        JsonObjectBuilder b = Json.createObjectBuilder().add("metric", metric).add("value", value);
        if (threshold == null) {
            b.add("threshold", "none");
        } else {
            b.add("threshold", threshold);
        }
        return b.add("decision", decision.name()).build();
    }

    public static GateDecision fromJson(JsonObject json) {
        JsonValue t = json.get("threshold");
        Double threshold = t instanceof jakarta.json.JsonNumber n ? n.doubleValue() : null;
        return new GateDecision(json.getString("metric"), json.getJsonNumber("value").doubleValue(), threshold,
                Outcome.valueOf(json.getString("decision")));
    }
}
