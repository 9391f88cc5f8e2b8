package io.tuneledger.ml;

import java.nio.file.Path;

/**
 * What a fine-tuning run is made of: the dataset version's directory (its train, validation and test files) and how
 * it is named in records, the starting weights, the training configuration, and for a distillation the teacher (a
 * registered classifier whose softened outputs the student learns from; null otherwise).
 */
public record RunSpec(Path datasetDir, String datasetRef, StartingPoint start, TrainingConfig config,
        StartingPoint teacher) {

    public RunSpec(Path datasetDir, String datasetRef, StartingPoint start, TrainingConfig config) {
        this(datasetDir, datasetRef, start, config, null);
    }

    /** The same run with another configuration (the baseline trains the head only). */
    public RunSpec with(TrainingConfig other) {
        return new RunSpec(datasetDir, datasetRef, start, other, teacher);
    }
}
