package io.tuneledger.batch;

import io.tuneledger.data.EmbeddingParts;
import io.tuneledger.data.PredictionMerger;
import io.tuneledger.ml.TextEncoder;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Named;
import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeds a chunk of one corpus partition in one batch and appends a line per record to the partition's part file
 * ({@link EmbeddingParts}); restart as in {@link PartWriter}.
 */
@Named
@Dependent
public class EmbeddingWriter extends PartWriter<TextEncoder> {

    @Override
    protected Path file(int partition) throws Exception {
        return run.dir().resolve(EmbeddingParts.partFile(partition));
    }

    @Override
    protected TextEncoder load(ScoreRun.Pinned pinned) throws Exception {
        return engine.task(pinned.task()).encoder(pinned.modelDir());
    }

    @Override
    protected List<JsonObject> lines(List<ScoreItem> items, List<String> texts) {
        float[][] vectors = model.documents(texts);
        List<JsonObject> lines = new ArrayList<>(items.size());
        int k = 0;
        for (ScoreItem item : items) {
            lines.add(item.error() != null ? PredictionMerger.failed(item.number(), item.id(), item.error())
                    : EmbeddingParts.embedded(item.number(), item.id(), vectors[k++]));
        }
        return lines;
    }
}
