package io.tuneledger.ml;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of fine-tuning Tuneledger knows. A dataset version records its task, and fine-tune follows it; each kind
 * is one {@link FineTuningTask} behind the {@link ModelEngine}.
 */
public enum TaskType {
    /** Texts with one label each; the model predicts the label. */
    CLASSIFICATION,
    /** Queries with the documents that answer them; the model ranks documents for a query. */
    RETRIEVAL,
    /**
     * Unlabelled texts of the enterprise's domain; the encoder learns to predict masked tokens of them (continued
     * pre-training) and becomes a base model for the other tasks.
     */
    ADAPTATION;

    /** Reads the figures this task writes ({@link TaskMetrics#toJson()}). */
    public TaskMetrics metrics(jakarta.json.JsonObject json) {
        return switch (this) {
            case CLASSIFICATION -> ClassificationMetrics.fromJson(json);
            case RETRIEVAL -> RetrievalMetrics.fromJson(json);
            case ADAPTATION -> AdaptationMetrics.fromJson(json);
        };
    }

    /** The name used in parameters, manifests and provenance. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<TaskType> byId(String id) {
        return Arrays.stream(values()).filter(t -> t.id().equals(id)).findFirst();
    }
}
