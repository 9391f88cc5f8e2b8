package io.tuneledger.batch;

import io.tuneledger.data.PredictionMerger;
import io.tuneledger.ml.Predictor;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores a chunk of one partition in one batch and appends a line per record to the partition's part file
 * ({@link PredictionMerger#scored}, or the reason it could not be scored); restart as in {@link PartWriter}.
 */
@Named
@Dependent
public class PredictionWriter extends PartWriter<Predictor> {

    @Override
    protected Path file(int partition) throws Exception {
        return run.dir().resolve(PredictionMerger.partFile(partition));
    }

    /** How many partitions share the machine's cores (0 when the step is not partitioned). */
    @Inject
    @BatchProperty(name = "partition.count")
    String partitionCount;

    /**
     * The pinned engine: the model core, or the ONNX export (made before the partitions started) on ONNX Runtime with
     * this partition's share of the cores.
     */
    @Override
    protected Predictor load(ScoreRun.Pinned pinned) throws Exception {
        return engine.task(pinned.task()).predictor(pinned.modelDir(), pinned.engine(), pinned.bucketing(),
                threads());
    }

    private int threads() {
        int partitions = partitionCount == null || partitionCount.isBlank() ? 1 : Integer.parseInt(partitionCount);
        return Math.max(1, Runtime.getRuntime().availableProcessors() / partitions);
    }

    @Override
    protected List<JsonObject> lines(List<ScoreItem> items, List<String> texts) {
        List<Predictor.Prediction> predictions = model.predict(texts);
        List<JsonObject> lines = new ArrayList<>(items.size());
        int k = 0;
        for (ScoreItem item : items) {
            if (item.error() != null) {
                lines.add(PredictionMerger.failed(item.number(), item.id(), item.error()));
            } else {
                Predictor.Prediction p = predictions.get(k++);
                lines.add(PredictionMerger.scored(item.number(), item.id(), p.label(), p.probabilities()));
            }
        }
        return lines;
    }
}
