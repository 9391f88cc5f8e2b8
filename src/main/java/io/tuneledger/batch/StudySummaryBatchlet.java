package io.tuneledger.batch;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.SubjectType;
import io.tuneledger.config.LogId;
import io.tuneledger.data.JsonFiles;
import io.tuneledger.data.JsonlFiles;
import io.tuneledger.ml.StudyPlan;
import io.tuneledger.ml.StudyResult;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The summary step of cross-validate and tune: the units' result files into the study's result ({@code
 * study-result.json}, which the execution shows as {@code result}), recorded in the audit ledger with its SHA-256.
 * Rebuilt from the files on a restart; refuses, naming them, units without a result.
 */
@Named
@Dependent
public class StudySummaryBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(StudySummaryBatchlet.class.getName());

    @Inject
    FineTuneRun run;

    @Inject
    JobContext jobContext;

    @Inject
    AuditLedger ledger;

    @Override
    public String process() throws Exception {
        StudyPlan plan = run.study();
        Map<String, StudyResult.UnitResult> found = run.unitResults(plan);
        List<String> missing = StudyResult.missing(plan, found);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The study's units " + missing + " have no result: their training did"
                    + " not finish; restart the execution");
        }
        JsonObject result = StudyResult.of(plan, new ArrayList<>(found.values()));
        Path file = run.dir().resolve(FineTuneRun.STUDY_RESULT_FILE);
        JsonFiles.writeAtomically(file, result);
        ledger.append(AuditLedger.SYSTEM, AuditAction.STUDY_COMPLETED, SubjectType.JOB_EXECUTION,
                Long.toString(jobContext.getExecutionId()), ledgerDetails(result, run.dataset().ref(),
                        JsonlFiles.sha256(file)));
        LOG.info(() -> LogId.STUDY_RESULT + " " + describe(result));
        return "COMPLETED";
    }

    /** What the ledger keeps: the primary figure of every unit and trial, the mean, the best trial; the file's hash. */
    static JsonObject ledgerDetails(JsonObject result, String dataset, String sha256) {
        String primary = result.getString("primary");
        var b = Json.createObjectBuilder().add("kind", result.getString("kind")).add("dataset", dataset)
                .add("folds", result.getInt("folds")).add("primary", primary).add("resultSha256", sha256);
        if (result.containsKey("perFold")) {
            JsonArrayBuilder folds = Json.createArrayBuilder();
            for (JsonValue v : result.getJsonArray("perFold")) {
                folds.add(v.asJsonObject().getJsonObject("figures").getJsonNumber(primary));
            }
            b.add("perFold", folds).add("mean", result.getJsonObject("mean").getJsonNumber(primary))
                    .add("std", result.getJsonObject("std").getJsonNumber(primary));
        } else {
            JsonArrayBuilder trials = Json.createArrayBuilder();
            for (JsonValue v : result.getJsonArray("trials")) {
                JsonObject t = v.asJsonObject();
                trials.add(Json.createObjectBuilder().add("trial", t.getInt("trial"))
                        .add("parameters", t.getJsonObject("parameters"))
                        .add("mean", t.getJsonObject("mean").getJsonNumber(primary)));
            }
            b.add("method", result.getString("method", "")).add("trials", trials)
                    .add("best", result.getJsonObject("best").getInt("trial"));
        }
        return b.build();
    }

    static String describe(JsonObject result) {
        String primary = result.getString("primary");
        if (result.containsKey("perFold")) {
            return String.format(java.util.Locale.ROOT, "Cross-validation over %d folds: %s %.4f +- %.4f",
                    result.getInt("folds"), primary, result.getJsonObject("mean").getJsonNumber(primary).doubleValue(),
                    result.getJsonObject("std").getJsonNumber(primary).doubleValue());
        }
        JsonObject best = result.getJsonObject("best");
        return String.format(java.util.Locale.ROOT, "Search of %d trials: best trial %d, %s %.4f, with %s",
                result.getJsonArray("trials").size(), best.getInt("trial"), primary,
                best.getJsonObject("mean").getJsonNumber(primary).doubleValue(), best.getJsonObject("parameters"));
    }
}
