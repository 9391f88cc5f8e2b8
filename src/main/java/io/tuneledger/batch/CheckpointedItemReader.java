package io.tuneledger.batch;

import jakarta.batch.api.chunk.AbstractItemReader;
import jakarta.batch.runtime.context.StepContext;
import jakarta.inject.Inject;
import java.io.Serializable;
import java.util.logging.Logger;

/**
 * The one place that handles restart for Tuneledger's readers. The chunk's checkpoint is the reader's position
 * (a small value type, {@code P}); on restart the runtime hands it back and the reader jumps there, so an item that
 * was committed is never read again. Concrete readers only open at a position, read, and report where they are.
 * Open never deletes or cleans anything: it only positions.
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
        P position = null;
        if (checkpoint != null) {
            if (!positionType.isInstance(checkpoint)) {
                throw new IllegalStateException("Checkpoint of step " + stepContext.getStepName() + " is a "
                        + checkpoint.getClass().getName() + ", expected " + positionType.getName());
            }
            position = positionType.cast(checkpoint);
            LOG.info(() -> "TUNE0101 Step " + stepContext.getStepName() + " resumes from its checkpoint: "
                    + positionType.cast(checkpoint));
        }
        openAt(position);
        StepProgress.publish(stepContext, progress());
    }

    @Override
    public final Object readItem() throws Exception {
        return readNext();
    }

    @Override
    public final Serializable checkpointInfo() throws Exception {
        StepProgress.publish(stepContext, progress());
        return position();
    }

    /** Opens the input at {@code position}, or at its start when {@code null}. */
    protected abstract void openAt(P position) throws Exception;

    /** The next item, or {@code null} when the input is exhausted. */
    protected abstract T readNext() throws Exception;

    /** Where the next read starts: the value checkpointed with each chunk. */
    protected abstract P position();

    /** How far through its input the reader is, for the execution's progress. */
    protected abstract StepProgress.Progress progress();
}
