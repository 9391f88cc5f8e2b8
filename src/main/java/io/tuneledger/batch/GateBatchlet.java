package io.tuneledger.batch;

import jakarta.batch.api.AbstractBatchlet;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.logging.Logger;

/**
 * The quality gate: the fine-tuned model's test macro-F1 against {@code gate.min.macro.f1}. Writes the decision to
 * {@code gate.json} and ends with exit status PASSED, GATE_FAILED or NO_GATE (no threshold given). A failed gate
 * does not fail the job: the model is still registered, as rejected, so the record shows what was tried.
 */
@Named
@Dependent
public class GateBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(GateBatchlet.class.getName());

    public static final String PASSED = "PASSED";
    public static final String GATE_FAILED = "GATE_FAILED";
    public static final String NO_GATE = "NO_GATE";

    @Inject
    FineTuneRun run;

    @Override
    public String process() throws Exception {
        JsonObject evaluation = FineTuneRun.readJson(run.dir().resolve(FineTuneRun.EVALUATION_FILE));
        double macroF1 = evaluation.getJsonObject("test").getJsonNumber("macroF1").doubleValue();
        String threshold = run.parameter("gate.min.macro.f1", "none");
        JsonObjectBuilder decision = Json.createObjectBuilder().add("metric", "test macro-F1").add("value", macroF1);
        String outcome;
        if (threshold.equals("none")) {
            outcome = NO_GATE;
            decision.add("threshold", "none");
        } else {
            double min = Double.parseDouble(threshold);
            outcome = macroF1 >= min ? PASSED : GATE_FAILED;
            decision.add("threshold", min);
        }
        decision.add("decision", outcome);
        FineTuneRun.writeJson(run.dir().resolve(FineTuneRun.GATE_FILE), decision.build());
        String result = outcome;
        LOG.info(() -> "TUNE0330 Quality gate: test macro-F1 " + macroF1 + " against " + threshold + ": " + result);
        return outcome;
    }
}
