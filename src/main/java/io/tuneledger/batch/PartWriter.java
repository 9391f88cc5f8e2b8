package io.tuneledger.batch;

import io.tuneledger.data.JsonlAppender;
import io.tuneledger.ml.ModelEngine;
import jakarta.batch.api.BatchProperty;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The writers that run a pinned model ({@link ScoreRun}) over a chunk of {@link ScoreItem}s and append one line per
 * item to a file of the run directory: score's predictions, search's corpus vectors and query results. The items
 * that can be used go to the model in one batch; the checkpoint is the file's synced length after the chunk, and on a
 * restart the file is cut back to it, so a chunk that was written but not committed is written again, never twice.
 *
 * @param <M> what the writer loads from the model's artifact (a predictor, an encoder)
 */
abstract class PartWriter<M extends AutoCloseable> extends CheckpointedItemWriter<PartPosition> {

    /** The partition this writer serves (0 when the step is not partitioned). */
    @Inject
    @BatchProperty(name = "partition.index")
    String partitionIndex;

    @Inject
    ScoreRun run;

    @Inject
    ModelEngine engine;

    private int partition;
    private JsonlAppender out;
    private PartPosition position;
    /** The model, loaded once per partition. */
    protected M model;

    PartWriter() {
        super(PartPosition.class);
    }

    /** The file of the run directory this partition appends to. */
    protected abstract Path file(int partition) throws Exception;

    /** Loads the model from the pinned run's artifact. */
    protected abstract M load(ScoreRun.Pinned pinned) throws Exception;

    /**
     * One line per item, in order; {@code texts} are the texts of the items without an error, in order, which the
     * model takes in one batch.
     */
    protected abstract List<JsonObject> lines(List<ScoreItem> items, List<String> texts) throws Exception;

    @Override
    protected final void openAt(PartPosition committed) throws Exception {
        partition = partitionIndex == null || partitionIndex.isBlank() ? 0 : Integer.parseInt(partitionIndex);
        if (committed != null && committed.partition() != partition) {
            throw new IllegalStateException("Partition " + partition + " was handed the checkpoint of partition "
                    + committed.partition() + "; the partition plan changed under a running instance");
        }
        position = committed == null ? new PartPosition(partition, 0) : committed;
        out = JsonlAppender.openAt(file(partition), position.bytes());
        model = load(run.pinned());
    }

    @Override
    protected final void write(List<Object> chunk) throws Exception {
        List<ScoreItem> items = new ArrayList<>(chunk.size());
        List<String> texts = new ArrayList<>();
        for (Object o : chunk) {
            ScoreItem item = (ScoreItem) o;
            items.add(item);
            if (item.error() == null) {
                texts.add(item.text());
            }
        }
        for (JsonObject line : lines(items, texts)) {
            out.append(line);
        }
        position = new PartPosition(partition, out.sync());
    }

    @Override
    protected final PartPosition position() {
        return position;
    }

    @Override
    public void close() throws Exception {
        if (out != null) {
            out.close();
        }
        if (model != null) {
            model.close();
        }
    }
}
