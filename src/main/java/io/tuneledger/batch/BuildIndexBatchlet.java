package io.tuneledger.batch;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.config.LogId;
import io.tuneledger.data.EmbeddingParts;
import io.tuneledger.data.JsonFiles;
import io.tuneledger.data.JsonlFiles;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Merges the corpus partitions' part files in corpus order into the index file ({@link EmbeddingParts},
 * {@link io.tuneledger.ml.EmbeddingIndex}), written atomically where the plan keeps it, with its record (SHA-256,
 * counts) beside it and an {@code index.built} event in the ledger. Corpus records that could not be embedded go to
 * {@code <output>.corpus-rejected.jsonl} with their reasons. Safe to re-run: the same parts give the same bytes.
 */
@Named
@Dependent
public class BuildIndexBatchlet extends ModelOutputBatchlet {

    private static final Logger LOG = Logger.getLogger(BuildIndexBatchlet.class.getName());

    @Inject
    @BatchProperty(name = "search.partitions")
    String partitions;





    @Inject
    SearchRun search;

    @Override
    public String process() throws Exception {
        ScoreRun.Pinned model = run.pinned();
        SearchRun.Plan plan = search.plan();
        Path rejectedFile = model.output().resolveSibling(model.output().getFileName() + ".corpus-rejected.jsonl");
        EmbeddingParts.Result r = EmbeddingParts.merge(run.dir(), JobParameters.SEARCH_PARTITIONS.parse(partitions),
                rejectedFile);
        Files.createDirectories(plan.index().getParent());
        r.index().write(plan.index());
        String sha = JsonlFiles.sha256(plan.index());
        var record = Json.createObjectBuilder().add("index", plan.index().toString()).add("sha256", sha)
                .add("documents", r.index().size()).add("dimension", r.index().dimension()).add("read", r.read())
                .add("rejected", r.rejected()).add("corpusSha256", plan.corpusSha256())
                .add("model", model.modelName()).add("modelVersion", model.modelVersion()).build();
        JsonFiles.writeAtomically(plan.record(), record);
        record(model, AuditAction.INDEX_BUILT, record);
        StepFigures.count(stepContext, "read", r.read());
        StepFigures.count(stepContext, "documents", r.index().size());
        StepFigures.count(stepContext, "rejected", r.rejected());
        LOG.info(() -> LogId.INDEX_BUILT + " Embedded " + r.index().size() + " of " + r.read() + " corpus records with "
                + model.modelName() + " v" + model.modelVersion() + " into " + plan.index() + " (SHA-256 " + sha + ")"
                + (r.rejected() > 0 ? "; " + r.rejected() + " rejected, see " + rejectedFile : ""));
        return "COMPLETED";
    }
}
