package io.tuneledger.batch;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.config.LogId;
import io.tuneledger.data.JsonFiles;
import io.tuneledger.data.PredictionMerger;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import java.util.logging.Logger;

/**
 * Merges the partitions' part files into the output ({@link PredictionMerger}), records the predictions file in the
 * ledger and the counts in the step. Safe to re-run: the output is rebuilt all or nothing.
 */
@Named
@Dependent
public class MergePredictionsBatchlet extends ModelOutputBatchlet {

    private static final Logger LOG = Logger.getLogger(MergePredictionsBatchlet.class.getName());

    @Inject
    @BatchProperty(name = "score.partitions")
    String partitions;





    @Override
    public String process() throws Exception {
        ScoreRun.Pinned pinned = run.pinned();
        PredictionMerger.Result r = PredictionMerger.merge(run.dir(), JobParameters.SCORE_PARTITIONS.parse(partitions),
                pinned.output(), pinned.modelName(), pinned.modelVersion());
        var details = Json.createObjectBuilder().add("output", r.output().toString()).add("sha256", r.sha256())
                .add("read", r.read()).add("scored", r.scored()).add("rejected", r.rejected());
        record(pinned, AuditAction.PREDICTIONS_WRITTEN, details.build());
        StepFigures.count(stepContext, "read", r.read());
        StepFigures.count(stepContext, "scored", r.scored());
        StepFigures.count(stepContext, "rejected", r.rejected());
        JsonFiles.writeAtomically(run.dir().resolve("result.json"), Json.createObjectBuilder()
                .add("output", r.output().toString()).add("sha256", r.sha256()).add("read", r.read())
                .add("scored", r.scored()).add("rejected", r.rejected()).add("model", pinned.modelName())
                .add("modelVersion", pinned.modelVersion()).build());
        LOG.info(() -> LogId.PREDICTIONS_WRITTEN + " Scored " + r.scored() + " of " + r.read() + " records with "
                + pinned.modelName() + " v" + pinned.modelVersion() + " into " + r.output() + " (SHA-256 "
                + r.sha256() + ")" + (r.rejected() > 0 ? "; " + r.rejected() + " rejected, see " + r.rejectedFile()
                        : ""));
        return "COMPLETED";
    }
}
