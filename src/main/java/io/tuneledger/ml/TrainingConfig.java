package io.tuneledger.ml;

/**
 * How to fine-tune: the {@code train.*} parameters of the fine-tune job (defaults in brackets there and in
 * {@link #defaults()}).
 */
public record TrainingConfig(TrainMode mode, int epochs, int batchSize, float learningRate, float weightDecay,
        float warmupRatio, float dropout, int maxLength, long seed, float gradClip, int earlyStoppingPatience,
        int checkpointEverySteps, boolean balancedClassWeights) {

    /** Which weights train: all of them, or only the classification head on a frozen encoder. */
    public enum TrainMode {
        FULL, HEAD
    }

    public TrainingConfig {
        require(epochs >= 1, "train.epochs must be at least 1");
        require(batchSize >= 1, "train.batch.size must be at least 1");
        require(learningRate > 0, "train.learning.rate must be positive");
        require(weightDecay >= 0, "train.weight.decay must not be negative");
        require(warmupRatio >= 0 && warmupRatio < 1, "train.warmup.ratio must be in [0, 1)");
        require(dropout >= 0 && dropout < 1, "train.dropout must be in [0, 1)");
        require(maxLength >= 2, "train.max.length must be at least 2");
        require(gradClip >= 0, "train.grad.clip must not be negative (0: no clipping)");
        require(earlyStoppingPatience >= 0, "early.stopping.patience must not be negative");
        require(checkpointEverySteps >= 1, "checkpoint.every.steps must be at least 1");
    }

    /** The documented defaults. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(TrainMode.FULL, 3, 16, 5e-5f, 0.01f, 0.1f, 0.1f, 128, 42, 1.0f, 2, 20, false);
    }

    public TrainingConfig withEpochs(int n) {
        return new TrainingConfig(mode, n, batchSize, learningRate, weightDecay, warmupRatio, dropout, maxLength, seed,
                gradClip, earlyStoppingPatience, checkpointEverySteps, balancedClassWeights);
    }

    public TrainingConfig withBatchSize(int n) {
        return new TrainingConfig(mode, epochs, n, learningRate, weightDecay, warmupRatio, dropout, maxLength, seed,
                gradClip, earlyStoppingPatience, checkpointEverySteps, balancedClassWeights);
    }

    public TrainingConfig withLearningRate(float lr) {
        return new TrainingConfig(mode, epochs, batchSize, lr, weightDecay, warmupRatio, dropout, maxLength, seed,
                gradClip, earlyStoppingPatience, checkpointEverySteps, balancedClassWeights);
    }

    public TrainingConfig withMode(TrainMode m) {
        return new TrainingConfig(m, epochs, batchSize, learningRate, weightDecay, warmupRatio, dropout, maxLength,
                seed, gradClip, earlyStoppingPatience, checkpointEverySteps, balancedClassWeights);
    }

    public TrainingConfig withMaxLength(int n) {
        return new TrainingConfig(mode, epochs, batchSize, learningRate, weightDecay, warmupRatio, dropout, n, seed,
                gradClip, earlyStoppingPatience, checkpointEverySteps, balancedClassWeights);
    }

    public TrainingConfig withCheckpointEverySteps(int n) {
        return new TrainingConfig(mode, epochs, batchSize, learningRate, weightDecay, warmupRatio, dropout, maxLength,
                seed, gradClip, earlyStoppingPatience, n, balancedClassWeights);
    }

    public TrainingConfig withBalancedClassWeights(boolean b) {
        return new TrainingConfig(mode, epochs, batchSize, learningRate, weightDecay, warmupRatio, dropout, maxLength,
                seed, gradClip, earlyStoppingPatience, checkpointEverySteps, b);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
