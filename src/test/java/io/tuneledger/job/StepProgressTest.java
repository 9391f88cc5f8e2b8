package io.tuneledger.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one progress type: what a step stores is what the launcher reads, including data stored by earlier versions. */
class StepProgressTest {

    @Test
    void whatAStepStoresReadsBack() {
        StepProgress p = StepProgress.NONE.withProgress(7, 35, StepProgress.Unit.STEPS).withCount("accepted", 5)
                .withValues(Map.of("loss", 0.5, "bad", Double.NaN))
                .withCurves(Map.of("loss", List.of(0.7f, 0.5f)));
        StepProgress back = StepProgress.of(p.toUserData());
        assertEquals(7L, back.done());
        assertEquals(35L, back.total());
        assertEquals(StepProgress.Unit.STEPS, back.unit());
        assertEquals(Map.of("accepted", 5L), back.counts());
        assertEquals(Map.of("loss", 0.5), back.values(), "non-finite values are left out");
        assertArrayEquals(new double[] {0.7f, 0.5f}, back.curves().get("loss"));
        assertEquals(0.2, back.fraction(false), 1e-9);
        assertEquals(1.0, back.fraction(true));
    }

    @Test
    void userDataOfAnEarlierVersionReads() {
        HashMap<String, Serializable> earlier = new HashMap<>();
        earlier.put("progress.done", 512L);
        earlier.put("progress.total", -1L);
        earlier.put("progress.unit", 0L);
        earlier.put("count.read", 3L);
        earlier.put("value.epoch", 1.0);
        earlier.put("curve.validationMacroF1", new double[] {0.9});
        StepProgress p = StepProgress.of(earlier);
        assertEquals(512L, p.done());
        assertNull(p.total(), "a negative total is unknown");
        assertNull(p.fraction(false));
        assertEquals(StepProgress.Unit.BYTES, p.unit());
        assertEquals(Map.of("read", 3L), p.counts());
        assertEquals(StepProgress.NONE, StepProgress.of("not a map"));
    }

    @Test
    void aPartitionedStepShowsItsPartitionsProgressAddedUp() {
        StepProgress a = StepProgress.NONE.withProgress(100, 400, StepProgress.Unit.BYTES).withCount("errors", 1);
        StepProgress b = StepProgress.NONE.withProgress(50, 600, StepProgress.Unit.BYTES).withCount("errors", 2);
        StepProgress both = StepProgress.sum(List.of(a, b, StepProgress.NONE));
        assertEquals(150L, both.done());
        assertEquals(1000L, both.total());
        assertEquals(StepProgress.Unit.BYTES, both.unit());
        assertEquals(Map.of("errors", 3L), both.counts());
        assertEquals(0.15, both.fraction(false), 1e-9);
        assertNull(StepProgress.sum(List.of(a, StepProgress.NONE.withProgress(5, -1, StepProgress.Unit.BYTES)))
                .total(), "unknown while one partition's total is");
        assertNull(StepProgress.sum(List.of(StepProgress.NONE)).done(), "nothing stored yet");
    }
}
