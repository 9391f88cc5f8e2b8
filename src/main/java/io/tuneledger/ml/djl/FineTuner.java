package io.tuneledger.ml.djl;

import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.TrainingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * Fine-tunes a {@link BertClassifierModel} with AdamW, linear warm-up and decay, dropout, gradient clipping by global
 * norm and optional balanced class weights; validates every epoch and stops early on macro-F1, keeping the best
 * weights.
 *
 * <p>Exact resume: every source of variation is a function of the seed and the position, so a run restarted from its
 * last training state continues exactly as if it had never stopped. The data order of epoch {@code e} is a shuffle
 * seeded by (seed, e); dropout masks come from PyTorch's generator reseeded by (seed, step) before every step; the
 * training state (weights, AdamW moments, step, epoch, batch, early-stopping record) is written atomically every
 * {@code checkpoint.every.steps} steps and at the end of each epoch, the best weights beside it.
 */
public final class FineTuner {

    private static final Logger LOG = Logger.getLogger(FineTuner.class.getName());

    /** File of the training state in the checkpoint directory. */
    public static final String STATE_FILE = "training-state.safetensors";

    /** One training step's figures. */
    public record Progress(int epoch, int step, int totalSteps, float loss, float learningRate) {
    }

    /** Callbacks from the training loop. An exception thrown here stops training where it is (tests use it). */
    public interface Listener {
        default void onStep(Progress progress) {
        }

        default void onEpoch(int epoch, ClassificationMetrics validation, boolean improved) {
        }

        default void onCheckpoint(int step, Path state) {
        }
    }

    /** What a training run produced. The model holds the best weights when it returns. */
    public record Result(ClassificationMetrics bestValidation, int bestEpoch, int steps, boolean stoppedEarly,
            boolean resumed, List<Float> losses, List<Double> validationMacroF1) {
    }

    private final TrainingConfig config;
    private final List<String> labels;
    private final Path checkpointDir;

    public FineTuner(TrainingConfig config, List<String> labels, Path checkpointDir) {
        this.config = config;
        this.labels = List.copyOf(labels);
        this.checkpointDir = checkpointDir;
    }

    /**
     * Trains {@code model} (weights as loaded: base encoder plus head) on {@code train}, validating on
     * {@code validation}. Resumes from the checkpoint directory's training state when there is one.
     */
    public Result train(BertClassifierModel model, TextTokenizer tokenizer, List<LabelledText> train,
            List<LabelledText> validation, Listener listener) throws IOException {
        try (TrainingSession session = new TrainingSession(config, labels, model, tokenizer, train, validation,
                checkpointDir)) {
            Path stateFile = checkpointDir.resolve(STATE_FILE);
            boolean resumed = Files.exists(stateFile);
            if (resumed) {
                session.restore(stateFile);
                LOG.info(() -> "TUNE0202 Training resumes at step " + session.steps() + " (epoch " + session.epoch()
                        + ") from " + stateFile);
            }
            while (!session.finished()) {
                TrainingSession.StepOutcome outcome = session.step();
                if (!outcome.endedEpoch() && session.steps() % config.checkpointEverySteps() == 0) {
                    save(session, stateFile, listener);
                }
                listener.onStep(outcome.progress());
                if (outcome.endedEpoch()) {
                    save(session, stateFile, listener);
                    listener.onEpoch(session.epoch() - 1, outcome.validation(), outcome.improved());
                }
            }
            return session.finish(resumed);
        }
    }

    private static void save(TrainingSession session, Path file, Listener listener) throws IOException {
        session.save(file);
        LOG.fine(() -> "TUNE0201 Training state saved at step " + session.steps() + ": " + file);
        listener.onCheckpoint(session.steps(), file);
    }
}
