package io.tuneledger.batch;

import io.tuneledger.ml.EmbeddingIndex;
import io.tuneledger.ml.TextEncoder;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeds a chunk of queries in one batch, searches the index for each, and appends one line per query, in input order,
 * to the run's results file: {@code {"id","results":[{"id","score"},...]}}, best first, or {@code {"id","error"}}
 * for a query that cannot be searched (no text left after cleaning, say), so every query has its line. Restart as in
 * {@link PartWriter}.
 */
@Named
@Dependent
public class SearchResultWriter extends PartWriter<TextEncoder> {

    /** The results before they are published to the output path. */
    static final String RESULTS = "search-results.jsonl";

    @Inject
    @BatchProperty(name = "top.k")
    String topK;

    @Inject
    SearchRun search;

    private EmbeddingIndex index;

    @Override
    protected Path file(int partition) throws Exception {
        return run.dir().resolve(RESULTS);
    }

    @Override
    protected TextEncoder load(ScoreRun.Pinned pinned) throws Exception {
        index = EmbeddingIndex.read(search.plan().index());
        return engine.task(pinned.task()).encoder(pinned.modelDir());
    }

    @Override
    protected List<JsonObject> lines(List<ScoreItem> items, List<String> texts) {
        int k = JobParameters.TOP_K.parse(topK);
        float[][] vectors = model.queries(texts);
        List<JsonObject> lines = new ArrayList<>(items.size());
        int q = 0;
        for (ScoreItem item : items) {
            JsonObjectBuilder line = Json.createObjectBuilder();
            if (item.id() != null) {
                line.add("id", item.id());
            } else {
                line.add("record", item.number());
            }
            if (item.error() != null) {
                lines.add(line.add("error", item.error()).build());
                continue;
            }
            JsonArrayBuilder results = Json.createArrayBuilder();
            for (EmbeddingIndex.Hit hit : index.search(vectors[q++], k)) {
                results.add(Json.createObjectBuilder().add("id", hit.id())
                        .add("score", Math.round(hit.score() * 1e6) / 1e6));
            }
            lines.add(line.add("results", results).build());
        }
        return lines;
    }
}
