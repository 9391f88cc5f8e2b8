package io.tuneledger.batch;

import java.io.Serializable;

/**
 * The train step's checkpoint: steps done and the training-state file (in the run's {@code train/} directory) that
 * holds the weights and optimizer state after them. The file is written and synced before the checkpoint commits.
 */
public record TrainingPosition(int steps, String stateFile) implements Serializable {

    private static final long serialVersionUID = 1L;
}
