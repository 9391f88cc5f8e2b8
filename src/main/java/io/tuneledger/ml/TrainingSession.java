package io.tuneledger.ml;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One fine-tuning run, advanced one mini-batch at a time by its caller (the fine-tune job's chunk step, which saves
 * the state between chunks, or a plain loop). Exact resume: a session restored from a saved state continues exactly
 * as if it had never stopped. At the end of each epoch it validates, keeps the best weights and may stop early.
 */
public interface TrainingSession extends AutoCloseable {

    int totalSteps();

    /** Steps done so far. */
    int steps();

    /** The epoch the next step belongs to. */
    int epoch();

    /** Whether training is over: all epochs done, or stopped early. */
    boolean finished();

    /** One mini-batch update; at the end of an epoch also validation, the best weights and early stopping. */
    StepOutcome step() throws IOException;

    /** Writes the whole state (weights, optimizer, position, record) to {@code file}, atomically. */
    void save(Path file) throws IOException;

    /** Restores a state written by {@link #save}; refuses, with a message saying why, one of another run. */
    void restore(Path file) throws IOException;

    /** The curves so far. */
    TrainingCurves curves();

    /** The epoch with the best validation figure so far (-1 before the first epoch ends). */
    int bestEpoch();

    boolean stoppedEarly();

    /** The file holding the weights of the best epoch so far. */
    Path bestWeights();

    @Override
    void close();
}
