package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.List;

/**
 * Where a fine-tuned model came from, enough to rebuild it: the base model and its SHA-256, the dataset version, every
 * training parameter and the seed, the library and platform versions, and what it scored. Immutable; saved as the
 * model's provenance.json.
 */
public record Provenance(String baseModel, String baseModelSha256, String datasetVersion, TrainingConfig training,
        List<String> labels, ClassificationMetrics validation, String djlVersion, String engineVersion,
        String javaVersion, String platform, Instant createdAt) {

    public JsonObject toJson() {
        JsonObjectBuilder t = Json.createObjectBuilder()
                .add("train.mode", training.mode().name().toLowerCase())
                .add("train.epochs", training.epochs())
                .add("train.batch.size", training.batchSize())
                .add("train.learning.rate", training.learningRate())
                .add("train.weight.decay", training.weightDecay())
                .add("train.warmup.ratio", training.warmupRatio())
                .add("train.dropout", training.dropout())
                .add("train.max.length", training.maxLength())
                .add("train.seed", training.seed())
                .add("train.grad.clip", training.gradClip())
                .add("early.stopping.patience", training.earlyStoppingPatience())
                .add("checkpoint.every.steps", training.checkpointEverySteps())
                .add("train.class.weights", training.balancedClassWeights() ? "balanced" : "none");
        JsonArrayBuilder labelArray = Json.createArrayBuilder();
        labels.forEach(labelArray::add);
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("baseModel", baseModel)
                .add("baseModelSha256", baseModelSha256)
                .add("datasetVersion", datasetVersion)
                .add("training", t)
                .add("labels", labelArray)
                .add("software", Json.createObjectBuilder().add("djl", djlVersion).add("pytorch", engineVersion)
                        .add("java", javaVersion).add("platform", platform))
                .add("createdAt", createdAt.toString());
        if (validation != null) {
            b.add("validation", validation.toJson());
        }
        return b.build();
    }
}
