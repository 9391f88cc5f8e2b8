package io.tuneledger.batch;

import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.djl.BatchPredictor;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Scores the fine-tuned model (its best epoch's weights) on the test split and puts it beside the frozen-encoder
 * baseline in {@code evaluation.json}: metrics and confusion matrices of both, the loss curve and the validation
 * curve. Re-running it gives the same file.
 */
@Named
@Dependent
public class EvaluateBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(EvaluateBatchlet.class.getName());

    @Inject
    FineTuneRun run;

    @Override
    public String process() throws Exception {
        Path dir = run.dir();
        JsonObject training = FineTuneRun.readJson(dir.resolve("train").resolve(TrainingCheckpointWriter.RESULT_FILE));
        JsonObject baseline = FineTuneRun.readJson(dir.resolve(FineTuneRun.BASELINE_FILE));
        Path best = dir.resolve("train").resolve(training.getString("bestWeights"));
        ClassificationMetrics test;
        ClassificationMetrics validation;
        try (TrainingRun tuned = TrainingRun.withWeights(run, run.config(), best)) {
            test = BatchPredictor.evaluate(tuned.model, tuned.tokenizer, tuned.split(run, "test"), tuned.labels,
                    tuned.manager);
            validation = BatchPredictor.evaluate(tuned.model, tuned.tokenizer, tuned.split(run, "validation"),
                    tuned.labels, tuned.manager);
        }
        double gain = test.macroF1() - baseline.getJsonObject("test").getJsonNumber("macroF1").doubleValue();
        FineTuneRun.writeJson(dir.resolve(FineTuneRun.EVALUATION_FILE), Json.createObjectBuilder()
                .add("test", test.toJson())
                .add("validation", validation.toJson())
                .add("baseline", baseline)
                .add("macroF1GainOverBaseline", gain)
                .add("training", training)
                .build());
        LOG.info(() -> "TUNE0320 Fine-tuned model: test macro-F1 " + test.macroF1() + " (baseline "
                + baseline.getJsonObject("test").getJsonNumber("macroF1").doubleValue() + ")");
        return "COMPLETED";
    }
}
