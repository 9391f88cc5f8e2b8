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
    String lastState;
    /** The SHA-256 of {@link #lastState}, as written. */
    String lastStateSha256;

    TrainingStep(TaskRun run, TrainingSession session, Path dir, int epochs, StudyPlan.Unit unit) {
        this.unit = unit;
        this.run = run;
        this.session = session;
        this.dir = dir;
        this.epochs = epochs;
    }

    @Override
    public void close() {
        session.close();
        run.close();
    }
}
