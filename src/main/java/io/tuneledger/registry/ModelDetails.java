package io.tuneledger.registry;

import io.tuneledger.ml.Evaluation;
import io.tuneledger.ml.GateDecision;
import io.tuneledger.ml.TaskType;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model version's details as the registry keeps them ({@link ModelVersion#details()}): its task, every parameter
 * of the job that made it, its labels, the evaluation and the gate decision. A version registered before models
 * recorded their task is a classifier.
 */
public record ModelDetails(TaskType task, Map<String, String> parameters, List<String> labels, Evaluation evaluation,
        GateDecision gate) {

    public static ModelDetails of(ModelVersion version) {
        JsonObject o;
        try (JsonReader r = Json.createReader(new StringReader(version.details()))) {
            o = r.readObject();
        }
        TaskType task = TaskType.byId(o.getString("task", TaskType.CLASSIFICATION.id())).orElseThrow();
        Map<String, String> parameters = new TreeMap<>();
        o.getJsonObject("parameters").forEach((k, v) -> parameters.put(k, v instanceof JsonString s ? s.getString()
                : v.toString()));
        List<String> labels = o.getJsonArray("labels").getValuesAs(v -> ((JsonString) v).getString());
        return new ModelDetails(task, parameters, labels, Evaluation.fromJson(o.getJsonObject("evaluation"),
                task::metrics), GateDecision.fromJson(o.getJsonObject("gate")));
    }
}
