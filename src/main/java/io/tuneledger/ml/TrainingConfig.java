package io.tuneledger.ml;

import static io.tuneledger.ml.TrainingParameters.BATCH_SIZE;
import static io.tuneledger.ml.TrainingParameters.CHECKPOINT_EVERY_STEPS;
import static io.tuneledger.ml.TrainingParameters.DROPOUT;
import static io.tuneledger.ml.TrainingParameters.EPOCHS;
import static io.tuneledger.ml.TrainingParameters.GRAD_CLIP;
import static io.tuneledger.ml.TrainingParameters.LEARNING_RATE;
import static io.tuneledger.ml.TrainingParameters.MAX_LENGTH;
import static io.tuneledger.ml.TrainingParameters.MODE;
import static io.tuneledger.ml.TrainingParameters.PATIENCE;
import static io.tuneledger.ml.TrainingParameters.SEED;
import static io.tuneledger.ml.TrainingParameters.WARMUP_RATIO;
import static io.tuneledger.ml.TrainingParameters.WEIGHT_DECAY;

import io.tuneledger.config.ParameterValues;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How to fine-tune: the {@code train.*} parameters of the fine-tune job, with the defaults of
 * {@link TrainingParameters}.
 */
public record TrainingConfig(TrainMode mode, int epochs, int batchSize, float learningRate, float weightDecay,
        float warmupRatio, float dropout, int maxLength, long seed, float gradClip, int earlyStoppingPatience,
        int checkpointEverySteps, boolean balancedClassWeights, Map<String, Object> taskSettings) {

    /**
     * Which weights train: all of them, only the classification head on a frozen encoder, or low-rank adapters of the
     * frozen encoder's Linear layers with the head ({@link #lora()}).
     */
    public enum TrainMode {
        FULL, HEAD, LORA
    }

    /** The LoRA settings ({@code lora.*}): rank, alpha, dropout and the adapted layers. */
    public record Lora(int rank, float alpha, float dropout, List<String> targets) {

        /** The scale of an adapter's output, alpha / r. */
        public float scale() {
            return alpha / rank;
        }
    }

    /** The LoRA settings of a {@link TrainMode#LORA} configuration (from its task settings). */
    @SuppressWarnings("unchecked")
    public Lora lora() {
        if (mode != TrainMode.LORA) {
            throw new IllegalStateException("train.mode is " + mode.name().toLowerCase(Locale.ROOT) + ", not lora");
        }
        return new Lora(taskSetting(TrainingParameters.LORA_RANK), taskSetting(TrainingParameters.LORA_ALPHA),
                taskSetting(TrainingParameters.LORA_DROPOUT), taskSetting(TrainingParameters.LORA_TARGETS));
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
        taskSettings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(taskSettings));
    }

    /**
     * The configuration an execution's parameters describe, in {@code mode}; {@code train.max.length=auto} must have
     * been resolved against the dataset first (see {@link TrainingParameters#autoMaxLength}).
     */
    public static TrainingConfig from(ParameterValues values, TrainMode mode) {
        return builder()
                .optMode(mode)
                .optEpochs(values.get(EPOCHS))
                .optBatchSize(values.get(BATCH_SIZE))
                .optLearningRate(values.get(LEARNING_RATE))
                .optWeightDecay(values.get(WEIGHT_DECAY))
                .optWarmupRatio(values.get(WARMUP_RATIO))
                .optDropout(values.get(DROPOUT))
                .optMaxLength(values.get(MAX_LENGTH))
                .optBalancedClassWeights(values.get(TrainingParameters.CLASS_WEIGHTS).equals("balanced"))
                .optSeed(values.get(SEED))
                .optGradClip(values.get(GRAD_CLIP))
                .optEarlyStoppingPatience(values.get(PATIENCE))
                .optCheckpointEverySteps(values.get(CHECKPOINT_EVERY_STEPS))
                .build();
    }

    /** The configuration an execution's parameters describe, in the mode {@code train.mode} names. */
    public static TrainingConfig from(ParameterValues values) {
        return from(values, TrainMode.valueOf(values.get(MODE).toUpperCase(Locale.ROOT)));
    }

    /** The configuration as parameters, by their names. */
    public Map<String, Object> asParameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(MODE.name(), mode.name().toLowerCase(Locale.ROOT));
        m.put(EPOCHS.name(), epochs);
        m.put(BATCH_SIZE.name(), batchSize);
        m.put(LEARNING_RATE.name(), learningRate);
        m.put(WEIGHT_DECAY.name(), weightDecay);
        m.put(WARMUP_RATIO.name(), warmupRatio);
        m.put(DROPOUT.name(), dropout);
        m.put(MAX_LENGTH.name(), maxLength);
        m.put(SEED.name(), seed);
        m.put(GRAD_CLIP.name(), gradClip);
        m.put(PATIENCE.name(), earlyStoppingPatience);
        m.put(CHECKPOINT_EVERY_STEPS.name(), checkpointEverySteps);
        m.put(TrainingParameters.CLASS_WEIGHTS.name(), balancedClassWeights ? "balanced" : "none");
        m.putAll(taskSettings);
        return m;
    }

    /**
     * What the result depends on: every setting but those a restart may change (the checkpoint interval). A training
     * state records it, and a state of another configuration is refused.
     */
    public String identity() {
        Map<String, Object> m = asParameters();
        TrainingParameters.CONFIG.stream().filter(p -> p.isRestartable()).forEach(p -> m.remove(p.name()));
        return m.toString();
    }

    /** The same configuration in another mode (the baseline trains the head only). */
    public TrainingConfig withMode(TrainMode other) {
        return new TrainingConfig(other, epochs, batchSize, learningRate, weightDecay, warmupRatio, dropout, maxLength,
                seed, gradClip, earlyStoppingPatience, checkpointEverySteps, balancedClassWeights, taskSettings);
    }

    /**
     * The same configuration with the settings only one task has ({@code retrieval.scale}, say), by parameter name;
     * they enter the provenance and the identity like the rest.
     */
    public TrainingConfig withTaskSettings(Map<String, Object> settings) {
        return new TrainingConfig(mode, epochs, batchSize, learningRate, weightDecay, warmupRatio, dropout, maxLength,
                seed, gradClip, earlyStoppingPatience, checkpointEverySteps, balancedClassWeights, settings);
    }

    /** A task setting by its parameter, or the parameter's default when the configuration has none. */
    @SuppressWarnings("unchecked")
    public <T> T taskSetting(io.tuneledger.config.Parameter<T> parameter) {
        Object value = taskSettings.get(parameter.name());
        return value == null ? parameter.defaultParsed() : (T) value;
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
        private TrainMode mode = TrainMode.valueOf(MODE.defaultParsed().toUpperCase(Locale.ROOT));
        private int epochs = EPOCHS.defaultParsed();
        private int batchSize = BATCH_SIZE.defaultParsed();
        private float learningRate = LEARNING_RATE.defaultParsed();
        private float weightDecay = WEIGHT_DECAY.defaultParsed();
        private float warmupRatio = WARMUP_RATIO.defaultParsed();
        private float dropout = DROPOUT.defaultParsed();
        private int maxLength = MAX_LENGTH.defaultParsed();
        private long seed = SEED.defaultParsed();
        private float gradClip = GRAD_CLIP.defaultParsed();
        private int earlyStoppingPatience = PATIENCE.defaultParsed();
        private int checkpointEverySteps = CHECKPOINT_EVERY_STEPS.defaultParsed();
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
                    maxLength, seed, gradClip, earlyStoppingPatience, checkpointEverySteps, balancedClassWeights,
                    Map.of());
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
