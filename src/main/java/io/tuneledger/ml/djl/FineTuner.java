package io.tuneledger.ml.djl;

import io.tuneledger.config.LogId;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.StepOutcome;
import io.tuneledger.ml.TaskMetrics;
import io.tuneledger.ml.TrainingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Trains a session to the end in one call, saving the training state every {@code checkpoint.every.steps} steps and
 * at the end of each epoch, and resuming from it when it exists: the loop the baseline and the tests use (the
 * fine-tune job's train step drives its session chunk by chunk instead). When it returns, the model holds the best
 * epoch's weights.
 */
public final class FineTuner {

    private static final Logger LOG = Logger.getLogger(FineTuner.class.getName());

    /** File of the training state in the checkpoint directory. */
    public static final String STATE_FILE = "training-state.safetensors";

    /** Callbacks from the training loop. An exception thrown here stops training where it is (tests use it). */
    public interface Listener {
        default void onStep(StepOutcome outcome) {
        }

        default void onEpoch(int epoch, TaskMetrics validation, boolean improved) {
        }

        default void onCheckpoint(int step, Path state) {
        }
    }

    /** What a training run produced. The model holds the best weights when it returns. */
    public record Result(TaskMetrics bestValidation, int bestEpoch, int steps, boolean stoppedEarly,
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
     * Trains the classifier {@code model} (weights as loaded: base encoder plus head) on {@code train}, validating on
     * {@code validation}. Resumes from the checkpoint directory's training state when there is one.
     */
    public Result train(BertClassifierModel model, TextTokenizer tokenizer, List<LabelledText> train,
            List<LabelledText> validation, Listener listener) throws IOException {
        ClassificationObjective objective = new ClassificationObjective(config, labels, model, tokenizer, train,
                validation);
        try (DjlTrainingSession session = new DjlTrainingSession(config, objective, checkpointDir)) {
            return run(session, objective, listener, () -> false);
        }
    }

    /**
     * Runs {@code session} to its end (or until {@code stop} answers true between steps: then null), then loads the
     * best epoch's weights into the objective's model.
     */
    Result run(DjlTrainingSession session, TrainingObjective objective, Listener listener, BooleanSupplier stop)
            throws IOException {
        Path stateFile = checkpointDir.resolve(STATE_FILE);
        boolean resumed = Files.exists(stateFile);
        if (resumed) {
            session.restore(stateFile);
            LOG.info(() -> LogId.TRAINING_LOOP_RESUMES + " Training resumes at step " + session.steps() + " (epoch "
                    + session.epoch() + ") from " + stateFile);
        }
        while (!session.finished()) {
            if (stop.getAsBoolean()) {
                return null;
            }
            StepOutcome outcome = session.step();
            if (!outcome.endedEpoch() && session.steps() % config.checkpointEverySteps() == 0) {
                save(session, stateFile, listener);
            }
            listener.onStep(outcome);
            if (outcome.endedEpoch()) {
                save(session, stateFile, listener);
                listener.onEpoch(outcome.epoch(), outcome.validation(), outcome.improved());
            }
        }
        TaskMetrics best = session.restoreBest();
        return new Result(best, session.bestEpoch(), session.steps(), session.stoppedEarly(), resumed,
                session.curves().loss(), session.curves().validationMetric());
    }

    private static void save(DjlTrainingSession session, Path file, Listener listener) throws IOException {
        session.save(file);
        LOG.fine(() -> LogId.TRAINING_LOOP_STATE_SAVED + " Training state saved at step " + session.steps() + ": "
                + file);
        listener.onCheckpoint(session.steps(), file);
    }
}
