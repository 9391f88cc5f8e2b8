package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.TaskMetrics;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.weights.Tensor;
import io.tuneledger.ml.weights.WeightsException;
import java.util.Map;

/**
 * What a task contributes to a {@link DjlTrainingSession}: its model's parameters and which of them train, the loss
 * of a batch of training examples, and the validation figures. The session owns everything else (data order,
 * schedule, AdamW, clipping, dropout seeds, early stopping, the training state), so a new task is a new objective.
 */
public interface TrainingObjective {

    /** Validation figures and the validation loss (without dropout). */
    record Validation(TaskMetrics metrics, double loss) {
    }

    /** The model's parameters by name, in a stable order. */
    Map<String, NDArray> parameters();

    /** Whether a parameter trains in {@code mode} (in head mode only the task's head does). */
    boolean trains(String parameter, TrainingConfig.TrainMode mode);

    /** Training examples. */
    int trainSize();

    /**
     * The loss of the training examples at {@code indices}, computed under a gradient collector, with dropout.
     * {@code seed} is the step's own (a function of the run's seed and the step): randomness of the loss other than
     * dropout (adaptation's choice of masked tokens) comes from it, so a resumed run draws the same.
     */
    NDArray loss(NDManager scope, int[] indices, float dropout, long seed);

    /** The figures on the validation split; gradient recording is off. */
    Validation validate(NDManager parent, int batchSize);

    /** Every parameter's values. */
    Map<String, Tensor> weights();

    /** Overwrites parameter values (same names and shapes). */
    void load(Map<String, Tensor> weights) throws WeightsException;

    /** Identifies what is trained on: outputs and training data (a training state records it). */
    String fingerprint();

    /** The name of the validation figure's curve ({@code validationMacroF1}). */
    String metricName();
}
