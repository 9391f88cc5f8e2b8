package io.tuneledger.batch;

import io.tuneledger.config.LogId;
import io.tuneledger.data.JsonlFiles;
import io.tuneledger.job.StepProgress;
import io.tuneledger.ml.StudyPlan;
import io.tuneledger.ml.TaskRun;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingSession;
import jakarta.batch.api.BatchProperty;
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

    /** The study unit this partition trains (cross-validate and tune); absent in fine-tune's single run. */
    @Inject
    @BatchProperty(name = "unit")
    String unit;

    /** How many of the study's units train at once on this server. */
    @Inject
    @BatchProperty(name = "unit.slots")
    String slots;

    /** Epochs this partition trains before it stops (the first rung of a halving search); empty: all. */
    @Inject
    @BatchProperty(name = "unit.epochs")
    String unitEpochs;

    /** {@code first-rung}: the unit goes on from the state its first rung ended with (a halving search's survivor). */
    @Inject
    @BatchProperty(name = "unit.from")
    String unitFrom;

    @Inject
    jakarta.batch.runtime.context.JobContext jobContext;

    private boolean holdsSlot;

    /** A unit whose training had ended and been scored before a restart: nothing to open or do. */
    private TrainingPosition finished;

    private TrainingStep step;

    public TrainingStepReader() {
        super(TrainingPosition.class);
    }

    @Override
    protected void openAt(TrainingPosition checkpoint) throws Exception {
        TrainingPosition position = checkpoint;
        StudyPlan plan = unit == null || unit.isBlank() ? null : run.study();
        StudyPlan.Unit studyUnit = plan == null ? null : plan.unit(unit);
        if (studyUnit != null && position != null && run.unitScored(studyUnit, position.steps())) {
            LOG.info(() -> LogId.TRAINING_RESUMES + " Study unit " + studyUnit.id() + " had finished and been scored"
                    + " before the restart; it is not trained again");
            finished = position;
            return;
        }
        if (studyUnit != null) {
            PartitionSlots.acquire(jobContext.getExecutionId(), Integer.parseInt(slots.strip()),
                    plan.units().indexOf(studyUnit));
            holdsSlot = true;
        }
        Path dir = studyUnit == null ? run.dir().resolve(FineTuneRun.TRAIN_DIR)
                : run.unitDir(studyUnit.id()).resolve(FineTuneRun.TRAIN_DIR);
        TrainingConfig config = studyUnit == null ? run.config() : run.config(plan.trials().get(studyUnit.trial()));
        TaskRun taskRun = studyUnit == null ? run.open() : run.open(studyUnit, config);
        TrainingSession session;
        try {
            session = taskRun.newSession(dir);
        } catch (Exception e) {
            taskRun.close();
            throw e;
        }
        int epochs = config.epochs();
        int budget = unitEpochs == null || unitEpochs.isBlank() ? 0 : Integer.parseInt(unitEpochs.strip());
        step = new TrainingStep(taskRun, session, dir, epochs, studyUnit, budget);
        if (position == null && studyUnit != null && "first-rung".equals(unitFrom)) {
            position = run.firstRungState(studyUnit);
        }
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
            int done = position.steps();
            LOG.info(() -> LogId.TRAINING_RESUMES + " Training resumes after step " + done + " of "
                    + session.totalSteps() + " from " + state);
        } else {
            String dataset = run.dataset().ref() + (studyUnit == null ? "" : " (study unit " + studyUnit.id() + ")");
            LOG.info(() -> LogId.TRAINING_STARTS + " Training " + session.totalSteps() + " steps on dataset " + dataset
                    + " from " + taskRun.baseDescription());
        }
        stepContext.setTransientUserData(step);
        TrainingStepProcessor.publish(stepContext, step, null);
    }

    @Override
    protected Integer readNext() {
        return finished != null || step.session.finished() || step.atCut() ? null : step.session.steps() + 1;
    }

    @Override
    protected TrainingPosition position() {
        return finished != null ? finished
                : new TrainingPosition(step.session.steps(), step.lastState, step.lastStateSha256);
    }

    @Override
    protected Progress progress() {
        return finished != null ? new Progress(finished.steps(), finished.steps(), StepProgress.Unit.STEPS)
                : new Progress(step.session.steps(), step.session.totalSteps(), StepProgress.Unit.STEPS);
    }

    @Override
    public void close() {
        try {
            if (step != null) {
                step.close();
                step = null;
            }
        } finally {
            if (holdsSlot) {
                holdsSlot = false;
                PartitionSlots.release(jobContext.getExecutionId());
            }
        }
    }
}
