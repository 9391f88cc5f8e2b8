package io.tuneledger.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records the fine-tune steps hand on read back what they wrote, and what an earlier version wrote. */
class TypedRecordsTest {

    private static final ClassificationMetrics TEST = ClassificationMetrics.of(List.of("ham", "spam"),
            new int[] {0, 0, 1, 1}, new int[] {0, 1, 1, 1});
    private static final ClassificationMetrics BASELINE = ClassificationMetrics.of(List.of("ham", "spam"),
            new int[] {0, 0, 1, 1}, new int[] {0, 0, 0, 0});

    @Test
    void theGatePassesAtTheThresholdFailsBelowAndIsAbsentWithout() {
        assertEquals(GateDecision.Outcome.PASSED, GateDecision.decide("test macro-F1", 0.8, 0.8).decision());
        GateDecision failed = GateDecision.decide("test macro-F1", 0.79, 0.8);
        assertTrue(failed.rejected());
        GateDecision none = GateDecision.decide("test macro-F1", 0.79, null);
        assertEquals(GateDecision.Outcome.NO_GATE, none.decision());
        assertEquals("none", none.toJson().getString("threshold"));
        assertEquals(failed, GateDecision.fromJson(failed.toJson()));
        assertNull(GateDecision.fromJson(none.toJson()).threshold());
    }

    @Test
    void anEvaluationReadsBackWithItsBaselineAndCurves() {
        TrainingRecord training = new TrainingRecord(10, 1, "best-epoch-1.safetensors", false,
                new TrainingCurves(List.of(0.7f, 0.5f), List.of(0.6, 0.4), "validationMacroF1", List.of(0.5, 0.73)),
                "state-10.safetensors");
        Evaluation e = new Evaluation(TEST, TEST, new Baseline("head", 10, 0, BASELINE, BASELINE), training);
        JsonObject json = e.toJson();
        assertEquals(TEST.macroF1() - BASELINE.macroF1(), json.getJsonNumber("macroF1GainOverBaseline")
                .doubleValue(), 1e-12);
        Evaluation back = Evaluation.fromJson(json, TaskType.CLASSIFICATION::metrics);
        assertEquals(json, back.toJson());
        assertEquals(List.of(0.7f, 0.5f), back.training().curves().loss());
    }

    @Test
    void aTrainingRecordOfAnEarlierVersionWithoutItsCurveNameIsAClassifiers() {
        String earlier = "{\"steps\":35,\"bestEpoch\":0,\"bestWeights\":\"best-epoch-0.safetensors\","
                + "\"stoppedEarly\":false,\"losses\":[0.69,0.5],\"validationMacroF1\":[0.91],"
                + "\"validationLoss\":[0.3],\"finalState\":\"state-35.safetensors\"}";
        TrainingRecord r = TrainingRecord.fromJson(Json.createReader(new StringReader(earlier)).readObject());
        assertEquals("validationMacroF1", r.curves().metricName());
        assertEquals(List.of(0.91), r.curves().validationMetric());
        assertEquals(35, r.steps());
    }
}
