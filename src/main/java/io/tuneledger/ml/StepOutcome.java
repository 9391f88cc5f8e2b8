package io.tuneledger.ml;

/**
 * What one mini-batch update did: the epoch it belongs to, steps done after it, the loss and learning rate, and,
 * when the update ended an epoch, the validation figures and whether they were the best so far.
 */
public record StepOutcome(int epoch, int step, int totalSteps, float loss, float learningRate,
        TaskMetrics validation, boolean improved) {

    public boolean endedEpoch() {
        return validation != null;
    }
}
