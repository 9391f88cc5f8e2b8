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
        return builder().build();
    }

    /** A builder starting from the documented defaults; every option is optional ({@code opt*}). */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link TrainingConfig}; unset options keep their documented defaults. */
    public static final class Builder {
        private TrainMode mode = TrainMode.FULL;
        private int epochs = 3;
        private int batchSize = 16;
        private float learningRate = 5e-5f;
        private float weightDecay = 0.01f;
        private float warmupRatio = 0.1f;
        private float dropout = 0.1f;
        private int maxLength = 128;
        private long seed = 42;
        private float gradClip = 1.0f;
        private int earlyStoppingPatience = 2;
        private int checkpointEverySteps = 20;
        private boolean balancedClassWeights;

        private Builder() {
        }

        public Builder optMode(TrainMode value) {
            mode = value;
            return this;
        }

        public Builder optEpochs(int value) {
            epochs = value;
            return this;
        }

        public Builder optBatchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder optLearningRate(float value) {
            learningRate = value;
            return this;
        }

        public Builder optWeightDecay(float value) {
            weightDecay = value;
            return this;
        }

        public Builder optWarmupRatio(float value) {
            warmupRatio = value;
            return this;
        }

        public Builder optDropout(float value) {
            dropout = value;
            return this;
        }

        public Builder optMaxLength(int value) {
            maxLength = value;
            return this;
        }

        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        public Builder optGradClip(float value) {
            gradClip = value;
            return this;
        }

        public Builder optEarlyStoppingPatience(int value) {
            earlyStoppingPatience = value;
            return this;
        }

        public Builder optCheckpointEverySteps(int value) {
            checkpointEverySteps = value;
            return this;
        }

        public Builder optBalancedClassWeights(boolean value) {
            balancedClassWeights = value;
            return this;
        }

        public TrainingConfig build() {
            return new TrainingConfig(mode, epochs, batchSize, learningRate, weightDecay, warmupRatio, dropout,
                    maxLength, seed, gradClip, earlyStoppingPatience, checkpointEverySteps, balancedClassWeights);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
