package io.tuneledger.batch;

import io.tuneledger.config.LogId;
import io.tuneledger.ml.Baseline;
import io.tuneledger.ml.TaskRun;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Files;
import java.util.logging.Logger;

/**
 * The comparison that shows what fine-tuning bought: the task's baseline (for classification the same starting model
 * with the encoder frozen, trained on the same data and budget), scored on the test split. Resumable: the baseline
 * keeps its own training state in the run's {@code baseline/} directory; a finished baseline ({@code baseline.json})
 * is not trained again. A stop ends it between two updates; a restart resumes it.
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
        if (Files.exists(run.dir().resolve(FineTuneRun.BASELINE_FILE))) {
            return "COMPLETED";
        }
        Baseline baseline;
        try (TaskRun task = run.open()) {
            baseline = task.baseline(run.dir().resolve(FineTuneRun.BASELINE_DIR), () -> stopRequested);
        }
        if (baseline == null) {
            LOG.info(LogId.BASELINE_STOPPED + " Baseline training stopped on request; a restart resumes it");
            return "STOPPED";
        }
        run.write(FineTuneRun.BASELINE_FILE, baseline.toJson());
        LOG.info(() -> LogId.BASELINE_RESULT + " Baseline (" + baseline.describeMode() + "): test "
                + baseline.test().describe());
        return "COMPLETED";
    }

    @Override
    public void stop() {
        stopRequested = true;
    }
}
