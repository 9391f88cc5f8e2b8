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
    ADAPTATION,
    /**
     * Prompts with the answers wanted for them; a decoder language model that the enterprise brings learns to answer
     * (instruction tuning), judged by the answers it generates.
     */
    GENERATION;

    /** Whether the records are pairs of texts (query and answer, prompt and response) rather than one text each. */
    public boolean pairs() {
        return this == RETRIEVAL || this == GENERATION;
    }

    /** The task of a prepare-dataset {@code task} parameter as given (classification when absent). */
    public static TaskType ofParameter(String task) {
        return byId(task == null || task.isBlank() ? CLASSIFICATION.id() : task.strip()).orElse(CLASSIFICATION);
    }

    /** Reads the figures this task writes ({@link TaskMetrics#toJson()}). */
    public TaskMetrics metrics(jakarta.json.JsonObject json) {
        return switch (this) {
            case CLASSIFICATION -> ClassificationMetrics.fromJson(json);
            case RETRIEVAL -> RetrievalMetrics.fromJson(json);
            case ADAPTATION -> AdaptationMetrics.fromJson(json);
            case GENERATION -> AnswerMetrics.fromJson(json);
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
