package io.tuneledger.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    @Test
    void figuresMatchAHandComputedExample() {
        // truth:     ham ham ham spam spam other
        // predicted: ham spam ham spam ham  other
        ClassificationMetrics m = ClassificationMetrics.of(List.of("ham", "spam", "other"),
                new int[] {0, 0, 0, 1, 1, 2}, new int[] {0, 1, 0, 1, 0, 2});
        assertEquals(4 / 6.0, m.accuracy(), 1e-12);
        assertArrayEquals(new long[] {2, 1, 0}, m.confusion()[0]);
        assertArrayEquals(new long[] {1, 1, 0}, m.confusion()[1]);
        ClassificationMetrics.PerClass ham = m.perClass().get(0);
        assertEquals(2 / 3.0, ham.precision(), 1e-12);
        assertEquals(2 / 3.0, ham.recall(), 1e-12);
        assertEquals(3, ham.support());
        ClassificationMetrics.PerClass spam = m.perClass().get(1);
        assertEquals(0.5, spam.precision(), 1e-12);
        assertEquals(0.5, spam.recall(), 1e-12);
        assertEquals((2 / 3.0 + 0.5 + 1.0) / 3, m.macroF1(), 1e-12);
    }

    @Test
    void aClassNeverPredictedHasZeroPrecisionNotNaN() {
        ClassificationMetrics m = ClassificationMetrics.of(List.of("a", "b"), new int[] {0, 1}, new int[] {0, 0});
        assertEquals(0.0, m.perClass().get(1).precision());
        assertEquals(0.0, m.perClass().get(1).f1());
        assertEquals((2 / 3.0) / 2, m.macroF1(), 1e-12);
    }
}
