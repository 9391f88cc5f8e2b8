package io.tuneledger.batch;

import io.tuneledger.data.JsonlAppender;
import io.tuneledger.data.PredictionMerger;
import io.tuneledger.ml.ModelEngine;
import io.tuneledger.ml.Predictor;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores a chunk of one partition in one batch and appends a line per record to the partition's part file
 * ({@link PredictionMerger#scored}, or the reason it could not be scored). The checkpoint is the part file's synced
 * length after the chunk; on a restart the file is cut back to that length, so a chunk that was written but not
 * committed is written again, never twice.
 */
@Named
@Dependent
public class PredictionWriter extends CheckpointedItemWriter<PartPosition> {

    @Inject
    @BatchProperty(name = "partition.index")
    String partitionIndex;

    @Inject
    ScoreRun run;

    @Inject
    ModelEngine engine;

    private int partition;
    private JsonlAppender out;
    private Predictor predictor;
    private PartPosition position;

    public PredictionWriter() {
        super(PartPosition.class);
    }

    @Override
    protected void openAt(PartPosition committed) throws Exception {
        partition = Integer.parseInt(partitionIndex);
        if (committed != null && committed.partition() != partition) {
            throw new IllegalStateException("Partition " + partition + " was handed the checkpoint of partition "
                    + committed.partition() + "; the partition plan changed under a running instance");
        }
        position = committed == null ? new PartPosition(partition, 0) : committed;
        ScoreRun.Pinned pinned = run.pinned();
        out = JsonlAppender.openAt(run.dir().resolve(PredictionMerger.partFile(partition)), position.bytes());
        predictor = engine.task(pinned.task()).predictor(pinned.modelDir());
    }

    @Override
    protected void write(List<Object> items) throws Exception {
        List<String> texts = new ArrayList<>();
        for (Object o : items) {
            ScoreItem item = (ScoreItem) o;
            if (item.error() == null) {
                texts.add(item.text());
            }
        }
        List<Predictor.Prediction> predictions = predictor.predict(texts);
        int k = 0;
        for (Object o : items) {
            ScoreItem item = (ScoreItem) o;
            if (item.error() != null) {
                out.append(PredictionMerger.failed(item.number(), item.id(), item.error()));
            } else {
                Predictor.Prediction p = predictions.get(k++);
                out.append(PredictionMerger.scored(item.number(), item.id(), p.label(), p.probabilities()));
            }
        }
        position = new PartPosition(partition, out.sync());
    }

    @Override
    protected PartPosition position() {
        return position;
    }

    @Override
    public void close() throws Exception {
        if (out != null) {
            out.close();
        }
        if (predictor != null) {
            predictor.close();
        }
    }
}
