package io.tuneledger.batch;

import io.tuneledger.config.LogId;
import io.tuneledger.data.JsonlFiles;
import io.tuneledger.job.StepProgress;
import io.tuneledger.ml.TaskRun;
import io.tuneledger.ml.TrainingSession;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The train step's reader. Its items are the mini-batch updates still to do (the step number); the processor makes
 * each update and the writer saves the training state after every chunk. The checkpoint names that state, so a
 * restart loads it and continues with the next mini-batch, exactly as if the run had not stopped. A checkpoint whose
 * state file is missing, belongs to another run (other configuration or data) or holds another step count fails the
 * step with a message saying which.
 */
@Named
@Dependent
public class TrainingStepReader extends CheckpointedItemReader<Integer, TrainingPosition> {

    private static final Logger LOG = Logger.getLogger(TrainingStepReader.class.getName());

    @Inject
    FineTuneRun run;

    private TrainingStep step;

    public TrainingStepReader() {
        super(TrainingPosition.class);
    }

    @Override
    protected void openAt(TrainingPosition position) throws Exception {
        Path dir = run.dir().resolve(FineTuneRun.TRAIN_DIR);
        TaskRun taskRun = run.open();
        TrainingSession session;
        try {
            session = taskRun.newSession(dir);
        } catch (Exception e) {
            taskRun.close();
            throw e;
        }
        step = new TrainingStep(taskRun, session, dir, run.config().epochs());
        if (position != null) {
            Path state = dir.resolve(position.stateFile());
            if (!Files.exists(state)) {
                throw new IllegalStateException("The checkpoint names training state " + state
                        + ", which is missing: the run directory was changed; start a new run");
            }
            if (position.sha256() != null) {
                String found = JsonlFiles.sha256(state);
                if (!found.equals(position.sha256())) {
                    throw new IllegalStateException("The training state " + state + " is damaged: its SHA-256 is "
                            + found + " but " + position.sha256() + " was checkpointed (and is in the audit ledger);"
                            + " restore the file from a backup, or start a new run. Nothing was trained from it");
                }
            }
            try {
                session.restore(state);
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("The training state " + state + " cannot be read (" + e.getMessage()
                        + "); restore the file from a backup, or start a new run. Nothing was trained from it", e);
            }
            if (session.steps() != position.steps()) {
                throw new IllegalStateException("The checkpoint says " + position.steps() + " steps were done but "
                        + state + " holds " + session.steps() + ": the run directory was changed; start a new run");
            }
            step.lastState = position.stateFile();
            step.lastStateSha256 = position.sha256();
            LOG.info(() -> LogId.TRAINING_RESUMES + " Training resumes after step " + position.steps() + " of "
                    + session.totalSteps() + " from " + state);
        } else {
            String dataset = run.dataset().ref();
            LOG.info(() -> LogId.TRAINING_STARTS + " Training " + session.totalSteps() + " steps on dataset " + dataset
                    + " from " + taskRun.baseDescription());
        }
        stepContext.setTransientUserData(step);
        TrainingStepProcessor.publish(stepContext, step, null);
    }

    @Override
    protected Integer readNext() {
        return step.session.finished() ? null : step.session.steps() + 1;
    }

    @Override
    protected TrainingPosition position() {
        return new TrainingPosition(step.session.steps(), step.lastState, step.lastStateSha256);
    }

    @Override
    protected Progress progress() {
        return new Progress(step.session.steps(), step.session.totalSteps(), StepProgress.Unit.STEPS);
    }

    @Override
    public void close() {
        if (step != null) {
            step.close();
            step = null;
        }
    }
}
