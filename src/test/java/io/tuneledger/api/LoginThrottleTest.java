package io.tuneledger.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private static final long GAP = 60_000;

    @Test
    void anAddressWaitsLongerAfterEachFailureBeyondTheFreeOnes() {
        LoginThrottle t = new LoginThrottle(GAP);
        long now = 1_000_000;
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            assertTrue(t.check("10.0.0.1", now).allowed());
            t.failed("10.0.0.1", "admin", now);
        }
        assertTrue(t.check("10.0.0.1", now).allowed(), "five failures are free");
        t.failed("10.0.0.1", "admin", now);
        assertEquals(1_000, t.waitMillis("10.0.0.1", now));
        LoginThrottle.Decision wait = t.check("10.0.0.1", now);
        assertFalse(wait.allowed());
        assertEquals(1_000, wait.retryAfterMillis());
        now += 1_000;
        assertTrue(t.check("10.0.0.1", now).allowed());
        t.failed("10.0.0.1", "admin", now);
        assertEquals(2_000, t.check("10.0.0.1", now).retryAfterMillis(), "the wait doubles");
        now += 2_000;
        t.failed("10.0.0.1", "admin", now);
        assertEquals(4_000, t.check("10.0.0.1", now).retryAfterMillis());
        assertTrue(t.check("10.0.0.2", now).allowed(), "another address is not slowed down");
    }

    @Test
    void theWaitIsCappedAndASuccessStartsAgain() {
        LoginThrottle t = new LoginThrottle(GAP);
        long now = 0;
        for (int i = 0; i < 60; i++) {
            t.failed("10.0.0.1", "admin", now);
        }
        assertEquals(LoginThrottle.MAX_DELAY_MILLIS, t.check("10.0.0.1", now).retryAfterMillis());
        t.succeeded("10.0.0.1");
        assertTrue(t.check("10.0.0.1", now).allowed());
        t.failed("10.0.0.1", "admin", now);
        assertTrue(t.check("10.0.0.1", now).allowed(), "one failure after a success is free again");
    }

    @Test
    void aFloodIsOneBurstWithItsCountsReportedOnceWhenItEnds() {
        LoginThrottle t = new LoginThrottle(GAP);
        long now = 0;
        int opened = 0;
        int checked = 0;
        for (int i = 0; i < 200; i++, now += 30) {
            if (t.check("10.0.0.9", now).allowed()) {
                checked++;
                opened += t.failed("10.0.0.9", i % 2 == 0 ? "admin" : "root", now) ? 1 : 0;
            }
        }
        assertEquals(1, opened, "only the first failure opens a burst");
        assertTrue(checked < 12, "most of the flood is refused unchecked: " + checked);
        assertEquals(List.of(), t.endedBursts(now + GAP - 100), "the burst has not ended yet");
        List<LoginThrottle.Burst> ended = t.endedBursts(now + GAP);
        assertEquals(1, ended.size());
        LoginThrottle.Burst b = ended.get(0);
        assertEquals(checked, b.failed());
        assertEquals(200 - checked, b.refused());
        assertEquals(List.of("admin", "root"), b.users());
        assertEquals(List.of(), t.endedBursts(now + 2 * GAP), "reported once");
        assertTrue(t.failed("10.0.0.9", "admin", now + 3 * GAP), "a later failure opens a new burst");
    }

    @Test
    void ipv6ClientsCountPerSlash64() {
        assertEquals(LoginThrottle.key("2001:db8:1:2::1"), LoginThrottle.key("2001:db8:1:2:ffff::9"));
        assertFalse(LoginThrottle.key("2001:db8:1:2::1").equals(LoginThrottle.key("2001:db8:1:3::1")));
        assertEquals("192.0.2.1", LoginThrottle.key("192.0.2.1"));
    }
}
