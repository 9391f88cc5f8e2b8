package io.tuneledger.batch;

import io.tuneledger.config.LogId;
import io.tuneledger.ml.Evaluation;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.TaskMetrics;
import io.tuneledger.ml.TaskRun;
import io.tuneledger.ml.TrainingRecord;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.logging.Logger;

/**
 * Scores the fine-tuned model (its best epoch's weights) on the test and validation splits and puts it beside the
 * baseline in {@code evaluation.json} ({@link Evaluation}). Re-running it gives the same file.
 */
@Named
@Dependent
public class EvaluateBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(EvaluateBatchlet.class.getName());

    @Inject
    FineTuneRun run;

    @Override
    public String process() throws Exception {
        TrainingRecord training = run.training();
        TaskMetrics test;
        TaskMetrics validation;
        try (TaskRun task = run.open()) {
            task.loadWeights(run.dir().resolve(FineTuneRun.TRAIN_DIR).resolve(training.bestWeights()));
            test = task.evaluate(Split.TEST);
            validation = task.evaluate(Split.VALIDATION);
        }
        Evaluation evaluation = new Evaluation(test, validation, run.baseline(), training);
        run.write(FineTuneRun.EVALUATION_FILE, evaluation.toJson());
        LOG.info(() -> LogId.TEST_RESULT + " Fine-tuned model: test " + test.describe() + " (baseline "
                + evaluation.baseline().test().describe() + ")");
        return "COMPLETED";
    }
}
