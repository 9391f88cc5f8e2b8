package io.tuneledger.batch;

import io.tuneledger.data.DatasetAssembler;
import io.tuneledger.data.DatasetParameters;
import io.tuneledger.data.Deduplicator;
import io.tuneledger.data.JsonlFiles;
import io.tuneledger.ml.TaskType;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Decides for every accepted record (or retrieval pair) whether it is kept, a duplicate or a label conflict
 * ({@link Deduplicator}) and
 * writes the decisions to the staging directory, all or nothing. Re-running it gives the same file, so a restart
 * after a crash simply runs it again.
 */
@Named
@Dependent
public class DeduplicateBatchlet extends StagingBatchlet {

    @Inject
    @BatchProperty(name = "task")
    String task;

    @Inject
    @BatchProperty(name = "dedupe")
    String mode;

    @Inject
    @BatchProperty(name = "dedupe.threshold")
    String threshold;


    @Override
    public String process() throws Exception {
        Path staging = staging();
        Deduplicator dedupe = new Deduplicator(Deduplicator.Mode.valueOf(DatasetParameters.DEDUPE.parse(mode)
                .toUpperCase(Locale.ROOT)), DatasetParameters.DEDUPE_THRESHOLD.parse(threshold));
        boolean pairs = TaskType.ofParameter(DatasetParameters.TASK.parse(task)).pairs();
        // A pair (query and answer, prompt and response) is compared as its two texts together, with one label for
        // all: the same question asked of two different answers is two pairs, and nothing can conflict.
        JsonlFiles.forEach(staging.resolve(DatasetAssembler.ACCEPTED), r -> dedupe.add(
                r.getJsonNumber("line").longValue(), r.getString("id"),
                pairs ? DatasetAssembler.PAIR_LABEL : r.getString("label"),
                pairs ? r.getString("query") + "\n\n" + r.getString("positive") : r.getString("text")));
        List<Deduplicator.Decision> decisions = dedupe.decide();
        long duplicates = 0;
        long conflicts = 0;
        try (JsonlFiles.AtomicWriter out = new JsonlFiles.AtomicWriter(staging.resolve(DatasetAssembler.DECISIONS))) {
            for (Deduplicator.Decision d : decisions) {
                out.write(d.toJson());
                duplicates += d.status() == Deduplicator.Status.DUPLICATE ? 1 : 0;
                conflicts += d.status() == Deduplicator.Status.CONFLICT ? 1 : 0;
            }
            out.commit();
        }
        StepFigures.count(stepContext, "records", decisions.size());
        StepFigures.count(stepContext, "duplicates", duplicates);
        StepFigures.count(stepContext, "conflicts", conflicts);
        return "COMPLETED";
    }
}
