package io.tuneledger.ml;

import java.nio.file.Path;

/**
 * What a fine-tuning run is made of: the dataset version's directory (its train, validation and test files) and how
 * it is named in records, the starting weights, and the training configuration.
 */
public record RunSpec(Path datasetDir, String datasetRef, StartingPoint start, TrainingConfig config) {

    /** The same run with another configuration (the baseline trains the head only). */
    public RunSpec with(TrainingConfig other) {
        return new RunSpec(datasetDir, datasetRef, start, other);
    }
}
