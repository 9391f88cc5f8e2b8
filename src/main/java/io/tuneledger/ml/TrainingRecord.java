package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.util.List;

/**
 * The record of a finished training run, for the steps after it and the report: steps, the best epoch and the file
 * of its weights, whether it stopped early, the curves, and the last state saved.
 */
public record TrainingRecord(int steps, int bestEpoch, String bestWeights, boolean stoppedEarly,
        TrainingCurves curves, String finalState) {

    public JsonObject toJson() {
        JsonArrayBuilder losses = Json.createArrayBuilder();
        curves.loss().forEach(l -> losses.add(l.doubleValue()));
        JsonArrayBuilder metric = Json.createArrayBuilder();
        curves.validationMetric().forEach(metric::add);
        JsonArrayBuilder validationLoss = Json.createArrayBuilder();
        curves.validationLoss().forEach(validationLoss::add);
        return Json.createObjectBuilder()
                .add("steps", steps)
                .add("validationCurve", curves.metricName())
                .add("bestEpoch", bestEpoch)
                .add("bestWeights", bestWeights)
                .add("stoppedEarly", stoppedEarly)
                .add("losses", losses)
                .add(curves.metricName(), metric)
                .add("validationLoss", validationLoss)
                .add("finalState", finalState)
                .build();
    }

    /** Reads what {@link #toJson()} wrote (a record without its curve's name is a classification run's). */
    public static TrainingRecord fromJson(JsonObject json) {
        String metricName = json.getString("validationCurve", "validationMacroF1");
        List<Float> losses = json.getJsonArray("losses").stream()
                .map(v -> (float) ((JsonNumber) v).doubleValue()).toList();
        return new TrainingRecord(json.getInt("steps"), json.getInt("bestEpoch"), json.getString("bestWeights"),
                json.getBoolean("stoppedEarly", false), new TrainingCurves(losses, doubles(json, "validationLoss"),
                        metricName, doubles(json, metricName)), json.getString("finalState", ""));
    }

    private static List<Double> doubles(JsonObject json, String key) {
        return json.containsKey(key) ? json.getJsonArray(key).stream().map(v -> ((JsonNumber) v).doubleValue())
                .toList() : List.of();
    }
}
