package io.tuneledger.batch;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.config.LogId;
import io.tuneledger.data.JsonFiles;
import io.tuneledger.data.JsonlFiles;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.logging.Logger;

/**
 * The last step of search: puts the results file in place at the output path in one atomic move (a reader of the
 * output never sees half of it), records it in the ledger with its SHA-256 and the index it searched, and counts the
 * queries. Safe to re-run.
 */
@Named
@Dependent
public class PublishSearchBatchlet extends ModelOutputBatchlet {

    private static final Logger LOG = Logger.getLogger(PublishSearchBatchlet.class.getName());





    @Inject
    SearchRun search;

    @Override
    public String process() throws Exception {
        ScoreRun.Pinned model = run.pinned();
        SearchRun.Plan plan = search.plan();
        Path results = run.dir().resolve(SearchResultWriter.RESULTS);
        long[] counts = new long[2];
        JsonlFiles.forEach(results, line -> counts[line.containsKey("error") ? 1 : 0]++);
        Path output = model.output();
        Files.createDirectories(output.toAbsolutePath().getParent());
        Path tmp = output.resolveSibling("." + output.getFileName() + ".tmp");
        Files.copy(results, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        String sha = JsonlFiles.sha256(output);
        String indexSha = JsonFiles.read(plan.record()).getString("sha256");
        var details = Json.createObjectBuilder().add("output", output.toString()).add("sha256", sha)
                .add("queries", counts[0] + counts[1]).add("searched", counts[0]).add("rejected", counts[1])
                .add("index", plan.index().toString()).add("indexSha256", indexSha).build();
        record(model, AuditAction.SEARCH_RESULTS_WRITTEN, details);
        JsonFiles.writeAtomically(run.dir().resolve("result.json"), details);
        StepFigures.count(stepContext, "queries", counts[0] + counts[1]);
        StepFigures.count(stepContext, "searched", counts[0]);
        StepFigures.count(stepContext, "rejected", counts[1]);
        LOG.info(() -> LogId.SEARCH_RESULTS_WRITTEN + " Searched " + counts[0] + " of " + (counts[0] + counts[1])
                + " queries with " + model.modelName() + " v" + model.modelVersion() + " into " + output
                + " (SHA-256 " + sha + ")");
        return "COMPLETED";
    }
}
