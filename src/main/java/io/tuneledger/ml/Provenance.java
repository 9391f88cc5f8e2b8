package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where a fine-tuned model came from, enough to rebuild it: the base model and its SHA-256, the dataset version, every
 * training parameter and the seed, the library and platform versions, and what it scored. Immutable; saved as the
 * model's provenance.json.
 */
public record Provenance(TaskType task, String baseModel, String baseModelSha256, String datasetVersion,
        TrainingConfig training, List<String> labels, TaskMetrics validation, Map<String, String> engine,
        String javaVersion, String platform, Instant createdAt) {

    /** The file every model artifact carries its provenance in. */
    public static final String FILE = "provenance.json";

    /** With the running JVM's version and platform. */
    public static Provenance now(TaskType task, String baseModel, String baseModelSha256, String datasetVersion,
            TrainingConfig training, List<String> labels, TaskMetrics validation, Map<String, String> engine) {
        return new Provenance(task, baseModel, baseModelSha256, datasetVersion, training, labels, validation, engine,
                Runtime.version().toString(), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                Instant.now());
    }

    public JsonObject toJson() {
        JsonObjectBuilder t = Json.createObjectBuilder();
        training.asParameters().forEach((name, value) -> {
            if (value instanceof Integer i) {
                t.add(name, i);
            } else if (value instanceof Long l) {
                t.add(name, l);
            } else if (value instanceof Float f) {
                t.add(name, f.doubleValue());
            } else if (value instanceof List<?> list) {
                t.add(name, String.join(",", list.stream().map(String::valueOf).toList()));
            } else {
                t.add(name, String.valueOf(value));
            }
        });
        JsonArrayBuilder labelArray = Json.createArrayBuilder();
        labels.forEach(labelArray::add);
        JsonObjectBuilder software = Json.createObjectBuilder();
        engine.forEach(software::add);
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("task", task.id())
                .add("baseModel", baseModel)
                .add("baseModelSha256", baseModelSha256)
                .add("datasetVersion", datasetVersion)
                .add("training", t)
                .add("labels", labelArray)
                .add("software", software.add("java", javaVersion).add("platform", platform))
                .add("createdAt", createdAt.toString());
        if (validation != null) {
            b.add("validation", validation.toJson());
        }
        return b.build();
    }
}
