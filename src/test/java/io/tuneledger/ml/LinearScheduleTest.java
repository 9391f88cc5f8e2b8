package io.tuneledger.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LinearScheduleTest {

    @Test
    void warmsUpLinearlyThenDecaysToZero() {
        LinearSchedule s = LinearSchedule.of(1e-3f, 0.1f, 100);
        assertEquals(10, s.warmupSteps());
        assertEquals(1e-4f, s.rate(0), 1e-9);
        assertEquals(1e-3f, s.rate(9), 1e-9);
        assertEquals(1e-3f, s.rate(10), 1e-9);
        assertEquals(0.5e-3f, s.rate(55), 1e-9);
        assertEquals(1e-3f / 90, s.rate(99), 1e-9);
    }

    @Test
    void withoutWarmupTheFirstStepUsesThePeak() {
        LinearSchedule s = LinearSchedule.of(2e-5f, 0f, 4);
        assertEquals(2e-5f, s.rate(0), 1e-12);
        assertEquals(0.5e-5f, s.rate(3), 1e-12);
    }
}
