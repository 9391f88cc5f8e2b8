package io.tuneledger.batch;

import io.tuneledger.ml.StudyPlan;
import io.tuneledger.ml.TaskRun;
import io.tuneledger.ml.TrainingSession;
import java.nio.file.Path;

/**
 * What the train step's reader, processor and writer share for one execution (the step's transient user data): the
 * task's run, its training session, the run's {@code train/} directory and the last state file saved.
 */
final class TrainingStep implements AutoCloseable {

    final TaskRun run;
    final TrainingSession session;
    final Path dir;
    final int epochs;
    /** The study unit this partition trains; {@code null} in fine-tune's single run. */
    final StudyPlan.Unit unit;
    /** Epochs to train before stopping (the first rung of a halving search); 0: to the end. */
    final int budgetEpochs;
    String lastState;
    /** The SHA-256 of {@link #lastState}, as written. */
    String lastStateSha256;

    TrainingStep(TaskRun run, TrainingSession session, Path dir, int epochs, StudyPlan.Unit unit, int budgetEpochs) {
        this.unit = unit;
        this.budgetEpochs = budgetEpochs;
        this.run = run;
        this.session = session;
        this.dir = dir;
        this.epochs = epochs;
    }

    /** Whether the unit has trained the epochs of its budget (and so stops here, for now). */
    boolean atCut() {
        return budgetEpochs > 0 && session.epoch() >= budgetEpochs;
    }

    @Override
    public void close() {
        session.close();
        run.close();
    }
}
