package io.tuneledger.batch;

import io.tuneledger.data.PredictionMerger;
import io.tuneledger.ml.Predictor;
import jakarta.enterprise.context.Dependent;
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

    @Override
    protected Predictor load(ScoreRun.Pinned pinned) throws Exception {
        return engine.task(pinned.task()).predictor(pinned.modelDir());
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
