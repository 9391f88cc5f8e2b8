package io.tuneledger.batch;

import io.tuneledger.config.LogId;
import io.tuneledger.job.StepProgress;
import jakarta.batch.api.chunk.AbstractItemReader;
import jakarta.batch.runtime.context.StepContext;
import jakarta.inject.Inject;
import java.io.Serializable;
import java.util.logging.Logger;

/**
 * The one place that handles restart for Tuneledger's readers. The chunk's checkpoint is the reader's position
 * (a small value type, {@code P}); on restart the runtime hands it back and the reader jumps there, so an item that
 * was committed is never read again. Concrete readers only open at a position, read, and report where they are.
 * Open never deletes or cleans anything: it only positions. A checkpoint of another type (another step's, another
 * version's) fails the step with a message saying so.
 *
 * @param <T> the item type
 * @param <P> the checkpoint value type
 */
public abstract class CheckpointedItemReader<T, P extends Serializable> extends AbstractItemReader {

    private static final Logger LOG = Logger.getLogger(CheckpointedItemReader.class.getName());

    @Inject
    protected StepContext stepContext;

    private final Class<P> positionType;

    protected CheckpointedItemReader(Class<P> positionType) {
        this.positionType = positionType;
    }

    @Override
    public final void open(Serializable checkpoint) throws Exception {
        P position = Checkpoints.cast(checkpoint, positionType, stepContext.getStepName(), "reader");
        if (position != null) {
            LOG.info(() -> LogId.STEP_RESUMES + " Step " + stepContext.getStepName() + " resumes from its checkpoint: "
                    + checkpoint);
        }
        openAt(position);
        publish();
    }

    @Override
    public final Object readItem() throws Exception {
        return readNext();
    }

    @Override
    public final Serializable checkpointInfo() throws Exception {
        publish();
        return position();
    }

    private void publish() {
        Progress p = progress();
        StepFigures.progress(stepContext, p.done(), p.total(), p.unit());
    }

    /** Opens the input at {@code position}, or at its start when {@code null}. */
    protected abstract void openAt(P position) throws Exception;

    /** The next item, or {@code null} when the input is exhausted. */
    protected abstract T readNext() throws Exception;

    /** Where the next read starts: the value checkpointed with each chunk. */
    protected abstract P position();

    /** How far through its input the reader is, for the execution's progress. */
    protected abstract Progress progress();

    /** {@code done} of {@code total} (negative: unknown) {@code unit}s. */
    protected record Progress(long done, long total, StepProgress.Unit unit) {
    }
}
