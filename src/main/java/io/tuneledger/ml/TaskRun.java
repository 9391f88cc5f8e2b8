package io.tuneledger.ml;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A fine-tuning run of one task, opened on a {@link RunSpec}: the dataset's splits read and the starting weights
 * loaded in the engine. The fine-tune job's steps each open one, use it, and close it (freeing the engine's memory).
 */
public interface TaskRun extends AutoCloseable {

    /** What the model predicts: a classifier's labels, in output order (empty for tasks without labels). */
    List<String> labels();

    /** The starting weights, as provenance records them: description and SHA-256 of the weights file. */
    String baseDescription();

    String baseSha256();

    /** The examples of a split; an {@link IllegalStateException} saying what to do when a needed split is empty. */
    int size(Split split);

    /** A session at step 0 in the configured mode; its states and best weights go to {@code workDir}. */
    TrainingSession newSession(Path workDir) throws IOException;

    /**
     * The comparison that shows what fine-tuning bought (classification: the same start with the encoder frozen,
     * trained on the same data and budget), trained in {@code workDir} so that a restart resumes it; {@code null}
     * when {@code stopRequested} stopped it part-way.
     */
    Baseline baseline(Path workDir, BooleanSupplier stopRequested) throws IOException;

    /** Replaces the model's weights with those in {@code weightsFile} (a session's best weights). */
    void loadWeights(Path weightsFile) throws IOException;

    /** The task's figures for the model as it is, on {@code split}. */
    TaskMetrics evaluate(Split split) throws IOException;

    /**
     * Writes the model as it is into {@code dir} in the task's artifact layout, with {@code provenance} as
     * {@link Provenance#FILE}; answers the SHA-256 of the weights file, which identifies the model version.
     */
    String export(Path dir, jakarta.json.JsonObject provenance) throws IOException;

    @Override
    void close();
}
