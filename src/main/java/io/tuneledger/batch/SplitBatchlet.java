package io.tuneledger.batch;

import io.tuneledger.data.DatasetAssembler;
import io.tuneledger.data.DatasetParameters;
import io.tuneledger.data.Deduplicator;
import io.tuneledger.data.JsonlFiles;
import io.tuneledger.data.StratifiedSplitter;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.TaskType;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Assigns every kept record to train, validation or test ({@link StratifiedSplitter}, groups of near duplicates kept
 * together; for retrieval, every pair of one answer document too) and writes the assignments to the staging directory, all or nothing. Deterministic: safe to re-run.
 */
@Named
@Dependent
public class SplitBatchlet extends StagingBatchlet {

    @Inject
    @BatchProperty(name = "task")
    String task;

    @Inject
    @BatchProperty(name = "split")
    String split;

    @Inject
    @BatchProperty(name = "split.seed")
    String seed;


    @Override
    public String process() throws Exception {
        Path staging = staging();
        List<StratifiedSplitter.Member> members = new ArrayList<>();
        JsonlFiles.forEach(staging.resolve(DatasetAssembler.DECISIONS), d -> {
            if (d.getString("status").equals(Deduplicator.Status.KEPT.name())) {
                members.add(new StratifiedSplitter.Member(d.getJsonNumber("line").longValue(), d.getString("id"),
                        d.getString("label"), d.getJsonNumber("group").longValue()));
            }
        });
        TaskType type = TaskType.ofParameter(DatasetParameters.TASK.parse(task));
        List<StratifiedSplitter.Member> units = type.pairs() ? joinPairs(staging, members,
                type == TaskType.RETRIEVAL ? "doc" : "query") : members;
        Map<Long, Split> assigned = new StratifiedSplitter(StratifiedSplitter.parseRatios(
                DatasetParameters.SPLIT.parse(split)), DatasetParameters.SPLIT_SEED.parse(seed)).assign(units);
        Map<Split, Long> counts = new EnumMap<>(Split.class);
        try (JsonlFiles.AtomicWriter out = new JsonlFiles.AtomicWriter(staging.resolve(DatasetAssembler.ASSIGNMENTS))) {
            for (Map.Entry<Long, Split> e : assigned.entrySet()) {
                out.write(Json.createObjectBuilder().add("line", e.getKey())
                        .add("split", e.getValue().parameterName()).build());
                counts.merge(e.getValue(), 1L, Long::sum);
            }
            out.commit();
        }
        counts.forEach((s, n) -> StepFigures.count(stepContext, s.parameterName(), n));
        return "COMPLETED";
    }

    /**
     * The members with every pair that shares {@code field} in one group: for retrieval its answer document (no
     * answer of a test question is trained on), for generation its prompt (no test prompt is trained on).
     */
    private static List<StratifiedSplitter.Member> joinPairs(Path staging, List<StratifiedSplitter.Member> members,
            String field) throws java.io.IOException {
        Map<Long, String> answerOf = new HashMap<>();
        JsonlFiles.forEach(staging.resolve(DatasetAssembler.ACCEPTED),
                r -> answerOf.put(r.getJsonNumber("line").longValue(), r.getString(field)));
        return StratifiedSplitter.joinGroups(members, m -> answerOf.get(m.line()));
    }
}
