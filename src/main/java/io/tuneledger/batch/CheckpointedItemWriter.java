package io.tuneledger.batch;

import jakarta.batch.api.chunk.AbstractItemWriter;
import jakarta.batch.runtime.context.StepContext;
import jakarta.inject.Inject;
import java.io.Serializable;
import java.util.List;

/**
 * The one place that handles restart for Tuneledger's writers, beside {@link CheckpointedItemReader}. The chunk's
 * checkpoint is what the writer has committed (the synced length of its output files, a small value type {@code P});
 * on restart the writer opens its output at that position and cuts off what an interrupted chunk wrote after it
 * ({@link io.tuneledger.data.JsonlAppender}), so nothing is lost or written twice. Without a checkpoint the output
 * starts empty; with one of another type the step fails with a message saying so: a writer never starts over and
 * truncates output that a committed checkpoint vouches for.
 *
 * @param <P> the checkpoint value type
 */
public abstract class CheckpointedItemWriter<P extends Serializable> extends AbstractItemWriter {

    @Inject
    protected StepContext stepContext;

    private final Class<P> positionType;

    protected CheckpointedItemWriter(Class<P> positionType) {
        this.positionType = positionType;
    }

    @Override
    public final void open(Serializable checkpoint) throws Exception {
        openAt(Checkpoints.cast(checkpoint, positionType, stepContext.getStepName(), "writer"));
    }

    @Override
    public final void writeItems(List<Object> items) throws Exception {
        write(items);
    }

    @Override
    public final Serializable checkpointInfo() throws Exception {
        return position();
    }

    /** Opens the output at the committed {@code position}, or empty when {@code null}. */
    protected abstract void openAt(P position) throws Exception;

    /** Writes a chunk's items and forces them to disk: the position after it is then safe to checkpoint. */
    protected abstract void write(List<Object> items) throws Exception;

    /** What has been written and synced so far: the value checkpointed with each chunk. */
    protected abstract P position();
}
