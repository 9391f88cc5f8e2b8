package io.tuneledger.batch;

import io.tuneledger.config.LogId;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.JsonFiles;
import io.tuneledger.data.JsonlFiles;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.util.logging.Logger;

/**
 * The first step of search: pins the model version ({@link ScoreRun}) and the index ({@link SearchRun}), and ends with
 * exit status REUSE when that index was built before and still has the SHA-256 its record gives (the job then goes
 * straight to the queries), else EMBED.
 */
@Named
@Dependent
public class SearchPlanBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(SearchPlanBatchlet.class.getName());

    @Inject
    @BatchProperty(name = "model.name")
    String modelName;

    @Inject
    @BatchProperty(name = "model.version")
    String modelVersion;

    @Inject
    @BatchProperty(name = "output.path")
    String outputPath;

    @Inject
    @BatchProperty(name = "corpus.path")
    String corpusPath;

    @Inject
    @BatchProperty(name = "corpus.id.field")
    String idField;

    @Inject
    @BatchProperty(name = "corpus.text.field")
    String textField;

    @Inject
    StepContext stepContext;

    @Inject
    ScoreRun run;

    @Inject
    SearchRun search;

    @Inject
    DataStore store;

    @Override
    public String process() throws Exception {
        ScoreRun.Pinned model = run.pin(modelName, JobParameters.MODEL_VERSION.parse(modelVersion), outputPath);
        SearchRun.Plan plan = search.plan(store.resolveInput(corpusPath), JobParameters.CORPUS_ID_FIELD.parse(idField),
                JobParameters.CORPUS_TEXT_FIELD.parse(textField));
        String status = "EMBED";
        if (Files.exists(plan.index()) && Files.exists(plan.record())) {
            JsonObject record = JsonFiles.read(plan.record());
            String actual = JsonlFiles.sha256(plan.index());
            if (actual.equals(record.getString("sha256"))) {
                status = "REUSE";
                LOG.info(() -> LogId.INDEX_REUSED + " The corpus " + corpusPath + " was embedded by " + model.modelName()
                        + " v" + model.modelVersion() + " before: index " + plan.index() + " (SHA-256 " + actual + ", "
                        + record.getJsonNumber("documents") + " documents) is reused");
                StepFigures.count(stepContext, "documents", record.getJsonNumber("documents").longValue());
            } else {
                LOG.warning(() -> LogId.INDEX_STALE + " The index " + plan.index() + " has SHA-256 " + actual
                        + " but its record gives " + record.getString("sha256") + "; the corpus is embedded again");
            }
        }
        stepContext.setExitStatus(status);
        return status;
    }
}
