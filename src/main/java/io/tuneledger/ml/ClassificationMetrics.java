package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Accuracy, macro-F1, per-class precision, recall, F1 and support, and the confusion matrix (rows: true label,
 * columns: predicted) of a set of predictions.
 */
public record ClassificationMetrics(List<String> labels, double accuracy, double macroF1, List<PerClass> perClass,
        long[][] confusion) implements TaskMetrics {

    /** Macro-F1: what early stopping follows and the gate compares. */
    @Override
    public double primary() {
        return macroF1;
    }

    /** One class's figures. */
    public record PerClass(String label, double precision, double recall, double f1, long support) {
    }

    @Override
    public java.util.Map<String, Double> summary() {
        java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("macroF1", macroF1);
        m.put("accuracy", accuracy);
        return m;
    }

    /** Computes the metrics from true and predicted label indices. */
    public static ClassificationMetrics of(List<String> labels, int[] truth, int[] predicted) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException(truth.length + " true labels but " + predicted.length + " predictions");
        }
        int k = labels.size();
        long[][] confusion = new long[k][k];
        long correct = 0;
        for (int i = 0; i < truth.length; i++) {
            confusion[truth[i]][predicted[i]]++;
            if (truth[i] == predicted[i]) {
                correct++;
            }
        }
        List<PerClass> per = new ArrayList<>();
        double f1Sum = 0;
        for (int c = 0; c < k; c++) {
            long tp = confusion[c][c];
            long predictedC = 0;
            long support = 0;
            for (int j = 0; j < k; j++) {
                predictedC += confusion[j][c];
                support += confusion[c][j];
            }
            double precision = predictedC == 0 ? 0 : tp / (double) predictedC;
            double recall = support == 0 ? 0 : tp / (double) support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            per.add(new PerClass(labels.get(c), precision, recall, f1, support));
            f1Sum += f1;
        }
        double accuracy = truth.length == 0 ? 0 : correct / (double) truth.length;
        return new ClassificationMetrics(List.copyOf(labels), accuracy, k == 0 ? 0 : f1Sum / k, List.copyOf(per),
                confusion);
    }

    /** As JSON: labels, accuracy, macroF1, perClass, confusion (rows: truth, columns: prediction). */
    @Override
    public JsonObject toJson() {
        JsonArrayBuilder per = Json.createArrayBuilder();
        for (PerClass c : perClass) {
            per.add(Json.createObjectBuilder().add("label", c.label()).add("precision", c.precision())
                    .add("recall", c.recall()).add("f1", c.f1()).add("support", c.support()));
        }
        JsonArrayBuilder matrix = Json.createArrayBuilder();
        for (long[] row : confusion) {
            JsonArrayBuilder r = Json.createArrayBuilder();
            for (long v : row) {
                r.add(v);
            }
            matrix.add(r);
        }
        return Json.createObjectBuilder().add("labels", Json.createArrayBuilder(labels)).add("accuracy", accuracy)
                .add("macroF1", macroF1).add("perClass", per).add("confusion", matrix).build();
    }

    /** Reads what {@link #toJson()} wrote. */
    public static ClassificationMetrics fromJson(JsonObject json) {
        List<String> labels = json.getJsonArray("labels").getValuesAs(v -> ((jakarta.json.JsonString) v).getString());
        List<PerClass> per = json.getJsonArray("perClass").stream().map(JsonValue::asJsonObject)
                .map(o -> new PerClass(o.getString("label"), o.getJsonNumber("precision").doubleValue(),
                        o.getJsonNumber("recall").doubleValue(), o.getJsonNumber("f1").doubleValue(),
                        o.getJsonNumber("support").longValue()))
                .toList();
        long[][] confusion = json.getJsonArray("confusion").stream().map(r -> r.asJsonArray().stream()
                .mapToLong(x -> ((JsonNumber) x).longValue()).toArray()).toArray(long[][]::new);
        return new ClassificationMetrics(labels, json.getJsonNumber("accuracy").doubleValue(),
                json.getJsonNumber("macroF1").doubleValue(), per, confusion);
    }
}
