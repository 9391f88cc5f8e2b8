package io.tuneledger.batch;

import io.tuneledger.ml.djl.TrainingSession;
import jakarta.batch.api.chunk.AbstractItemReader;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The train step's reader. Its items are the mini-batch updates still to do (the step number); the processor makes
 * each update and the writer saves the training state after every chunk. The checkpoint names that state, so a
 * restart loads it and continues with the next mini-batch, exactly as if the run had not stopped.
 */
@Named
@Dependent
public class TrainingStepReader extends AbstractItemReader {

    private static final Logger LOG = Logger.getLogger(TrainingStepReader.class.getName());

    @Inject
    StepContext stepContext;

    @Inject
    FineTuneRun run;

    private TrainingRun training;

    @Override
    public void open(Serializable checkpoint) throws Exception {
        training = TrainingRun.open(run, run.config());
        Path dir = run.dir().resolve("train");
        training.session = new TrainingSession(training.config, training.labels, training.model, training.tokenizer,
                training.split(run, "train"), training.split(run, "validation"), dir);
        if (checkpoint instanceof TrainingPosition position) {
            Path state = dir.resolve(position.stateFile());
            if (!Files.exists(state)) {
                throw new IllegalStateException("The checkpoint names training state " + state
                        + ", which is missing: the run directory was changed; start a new run");
            }
            training.session.restore(state);
            training.lastState = position.stateFile();
            LOG.info(() -> "TUNE0301 Training resumes after step " + position.steps() + " of "
                    + training.session.totalSteps() + " from " + state);
        } else if (checkpoint != null) {
            throw new IllegalStateException("Unexpected checkpoint " + checkpoint.getClass().getName());
        } else {
            LOG.info(() -> "TUNE0300 Training " + training.session.totalSteps() + " steps on dataset "
                    + training.dataset.name() + " v" + training.dataset.version() + " from "
                    + training.baseDescription);
        }
        stepContext.setTransientUserData(training);
        TrainingStepProcessor.publish(stepContext, training, null);
    }

    @Override
    public Object readItem() {
        return training.session.finished() ? null : training.session.steps() + 1;
    }

    @Override
    public Serializable checkpointInfo() {
        return new TrainingPosition(training.session.steps(), training.lastState);
    }

    @Override
    public void close() {
        if (training != null) {
            training.close();
            training = null;
        }
    }
}
