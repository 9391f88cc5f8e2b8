package io.tuneledger.batch;

import io.tuneledger.config.LogId;
import io.tuneledger.ml.FineTuningTask;
import io.tuneledger.ml.GateDecision;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.logging.Logger;

/**
 * The quality gate: the fine-tuned model's primary test figure against the task's threshold parameter
 * ({@code gate.min.macro.f1} for classification). Writes the {@link GateDecision} to {@code gate.json} and ends with
 * exit status PASSED, GATE_FAILED or NO_GATE (no threshold given).
 */
@Named
@Dependent
public class GateBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(GateBatchlet.class.getName());

    @Inject
    FineTuneRun run;

    @Override
    public String process() throws Exception {
        FineTuningTask task = run.task();
        GateDecision decision = GateDecision.decide(task.gateMetric(), run.evaluation().test().primary(),
                run.parameters().get(task.gateParameter()));
        run.write(FineTuneRun.GATE_FILE, decision.toJson());
        LOG.info(() -> LogId.GATE_DECISION + " Quality gate: " + decision.metric() + " " + decision.value()
                + " against " + (decision.threshold() == null ? "none" : decision.threshold()) + ": "
                + decision.decision());
        return decision.decision().name();
    }
}
