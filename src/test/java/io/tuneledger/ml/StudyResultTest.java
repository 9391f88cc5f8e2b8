package io.tuneledger.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StudyResultTest {

    private static StudyResult.UnitResult unit(String id, int trial, int fold, double f1) {
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("macroF1", f1);
        figures.put("accuracy", f1 + 0.01);
        return new StudyResult.UnitResult(id, trial, fold, "test", 10, figures, 9, 0, false, false);
    }

    private static StudyResult.UnitResult halted(String id, int trial, double f1) {
        return new StudyResult.UnitResult(id, trial, -1, "validation", 10, Map.of("macroF1", f1), 3, 0, false, true);
    }

    @Test
    void halvingKeepsTheBestThirdAndPicksTheBestAmongThem() {
        List<Map<String, String>> trials = List.of(Map.of("train.epochs", "2"), Map.of("train.epochs", "3"),
                Map.of("train.epochs", "4"), Map.of("train.epochs", "5"));
        StudyPlan plan = StudyPlan.search("grid", trials, 0, true);
        assertEquals(2, plan.survivors(), "a third of 4, rounded up");
        List<StudyResult.UnitResult> firstRung = List.of(halted("trial-0", 0, 0.6), halted("trial-1", 1, 0.9),
                halted("trial-2", 2, 0.6), halted("trial-3", 3, 0.7));
        assertEquals(List.of(1, 3), StudyResult.survivors(plan, firstRung));
        assertEquals(List.of(0, 1), StudyResult.survivors(plan, List.of(halted("trial-0", 0, 0.5),
                halted("trial-1", 1, 0.5), halted("trial-2", 2, 0.5), halted("trial-3", 3, 0.5))), "ties: lower first");
        // trial 0 had the best first rung of the halted ones but did not train on: it cannot be the best
        JsonObject result = StudyResult.of(plan, List.of(halted("trial-0", 0, 0.95), unit("trial-1", 1, -1, 0.8),
                halted("trial-2", 2, 0.6), unit("trial-3", 3, -1, 0.85)));
        assertEquals(3, result.getJsonObject("best").getInt("trial"));
        assertEquals(true, result.getJsonArray("trials").getJsonObject(0).getBoolean("halted"));
        assertEquals(2, result.getJsonObject("halving").getInt("trainedOn"));
    }

    @Test
    void aCrossValidationHasItsFoldsMeanAndSampleDeviation() {
        StudyPlan plan = StudyPlan.crossValidation(3);
        JsonObject result = StudyResult.of(plan, List.of(unit("fold-0", 0, 0, 0.8), unit("fold-1", 0, 1, 0.9),
                unit("fold-2", 0, 2, 1.0)));
        assertEquals("cross-validation", result.getString("kind"));
        assertEquals("macroF1", result.getString("primary"));
        assertEquals(3, result.getJsonArray("perFold").size());
        assertEquals(0.9, result.getJsonObject("mean").getJsonNumber("macroF1").doubleValue(), 1e-12);
        assertEquals(0.1, result.getJsonObject("std").getJsonNumber("macroF1").doubleValue(), 1e-12);
        assertEquals(List.of("fold-0", "fold-1", "fold-2"), StudyPlan.fromJson(plan.toJson()).units().stream()
                .map(StudyPlan.Unit::id).toList());
    }

    @Test
    void aSearchNamesItsBestTrialAndTheFirstOnATie() {
        StudyPlan plan = StudyPlan.search("grid", List.of(Map.of("train.epochs", "1"), Map.of("train.epochs", "2"),
                Map.of("train.epochs", "3")), 2, false);
        List<StudyResult.UnitResult> units = List.of(unit("trial-0-fold-0", 0, 0, 0.7), unit("trial-0-fold-1", 0, 1,
                0.7), unit("trial-1-fold-0", 1, 0, 0.9), unit("trial-1-fold-1", 1, 1, 0.8), unit("trial-2-fold-0",
                2, 0, 0.8), unit("trial-2-fold-1", 2, 1, 0.9));
        JsonObject result = StudyResult.of(plan, units);
        assertEquals(1, result.getJsonObject("best").getInt("trial"), "0.85 twice: the lower trial wins");
        assertEquals(Map.of("train.epochs", "2"), StudyResult.bestParameters(result));
        assertEquals(3, result.getJsonArray("trials").size());
        assertEquals(plan.units().size(), 6);
    }

    @Test
    void missingUnitsAreNamed() {
        StudyPlan plan = StudyPlan.search("random", List.of(Map.of("train.epochs", "1"), Map.of("train.epochs", "2")),
                0, false);
        assertEquals(List.of("trial-1"), StudyResult.missing(plan, Map.of("trial-0", unit("trial-0", 0, -1, 0.5))));
        assertThrows(IllegalArgumentException.class, () -> StudyResult.of(plan, List.of(unit("trial-0", 0, -1,
                0.5))));
    }
}
