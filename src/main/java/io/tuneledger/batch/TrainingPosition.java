package io.tuneledger.batch;

import java.io.Serializable;

/**
 * The train step's checkpoint: steps done and the training-state file (in the run's {@code train/} directory) that
 * holds the weights and optimizer state after them, with its SHA-256. The file is written and synced before the
 * checkpoint commits; a restart refuses a file whose SHA-256 differs (damaged or changed on disk). A checkpoint
 * written before the SHA-256 was kept has none (null) and is checked for form only.
 */
public record TrainingPosition(int steps, String stateFile, String sha256) implements Serializable {

    private static final long serialVersionUID = 1L;
}
