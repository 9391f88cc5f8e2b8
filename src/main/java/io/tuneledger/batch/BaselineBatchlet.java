package io.tuneledger.batch;

import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.djl.FineTuner;
import io.tuneledger.ml.djl.BatchPredictor;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The comparison that shows what fine-tuning bought: the same starting model trained with the encoder frozen (head
 * only), with the same data, epochs, batch size and learning rate, then scored on the test split. Resumable: the
 * head-only training keeps its own training state in the run's {@code baseline/} directory; a finished baseline
 * ({@code baseline.json}) is not trained again.
 */
@Named
@Dependent
public class BaselineBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(BaselineBatchlet.class.getName());

    @Inject
    FineTuneRun run;

    private volatile boolean stopRequested;

    @Override
    public String process() throws Exception {
        Path out = run.dir().resolve(FineTuneRun.BASELINE_FILE);
        if (Files.exists(out)) {
            return "COMPLETED";
        }
        TrainingConfig config = run.config(TrainingConfig.TrainMode.HEAD);
        try (TrainingRun baseline = TrainingRun.open(run, config)) {
            var train = baseline.split(run, "train");
            var validation = baseline.split(run, "validation");
            FineTuner.Result result;
            try {
                result = new FineTuner(config, baseline.labels, run.dir().resolve("baseline")).train(baseline.model,
                        baseline.tokenizer, train, validation, new FineTuner.Listener() {
                            @Override
                            public void onStep(FineTuner.Progress progress) {
                                if (stopRequested) {
                                    throw new StopRequested();
                                }
                            }
                        });
            } catch (StopRequested e) {
                LOG.info("TUNE0310 Baseline training stopped on request; a restart resumes it");
                return "STOPPED";
            }
            ClassificationMetrics test = BatchPredictor.evaluate(baseline.model, baseline.tokenizer,
                    baseline.split(run, "test"), baseline.labels, baseline.manager);
            FineTuneRun.writeJson(out, Json.createObjectBuilder()
                    .add("mode", "head")
                    .add("steps", result.steps())
                    .add("bestEpoch", result.bestEpoch())
                    .add("validation", result.bestValidation().toJson())
                    .add("test", test.toJson())
                    .build());
            LOG.info(() -> "TUNE0311 Baseline (frozen encoder): test macro-F1 " + test.macroF1());
            return "COMPLETED";
        }
    }

    @Override
    public void stop() {
        stopRequested = true;
    }

    /** Unwinds the training loop when a stop was requested. */
    private static final class StopRequested extends RuntimeException {
        StopRequested() {
            super(null, null, false, false);
        }
    }
}
