package io.tuneledger.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** Canonical JSON and the event hash: one text for one value, and a hash that any change to an event changes. */
class AuditChainTest {

    private static JsonObject parse(String json) {
        try (var r = Json.createReader(new StringReader(json))) {
            return r.readObject();
        }
    }

    @Test
    void canonicalJsonSortsMembersDropsWhitespaceAndWritesNumbersOneWay() {
        JsonObject a = parse("{ \"b\": [1, 2.50, true, null], \"a\": {\"z\": \"x\\ny\\\"\", \"\u00e9\": 1e2} }");
        JsonObject b = parse("{\"a\":{\"\u00e9\":100,\"z\":\"x\\ny\\\"\"},\"b\":[1,2.5,true,null]}");
        assertEquals("{\"a\":{\"z\":\"x\\ny\\\"\",\"\u00e9\":100},\"b\":[1,2.5,true,null]}", CanonicalJson.of(a));
        assertEquals(CanonicalJson.of(a), CanonicalJson.of(b));
        assertEquals("\"\\u0001\\t\"", CanonicalJson.of(Json.createValue("\u0001\t")));
    }

    @Test
    void theHashCoversThePreviousHashAndEveryField() {
        String details = CanonicalJson.of(parse("{\"k\":\"v\"}"));
        AuditEvent e = new AuditEvent(7, "2026-11-28T10:00:00.000Z", "alice", "job.launched", "job-execution", "3",
                details, AuditEvent.GENESIS);
        assertEquals(e.hash(), e.computeHash());
        assertEquals(64, e.hash().length());
        assertEquals(Hashes.sha256(AuditEvent.GENESIS + "{\"action\":\"job.launched\",\"actor\":\"alice\","
                + "\"details\":{\"k\":\"v\"},\"seq\":7,\"subjectId\":\"3\",\"subjectType\":\"job-execution\","
                + "\"time\":\"2026-11-28T10:00:00.000Z\"}"), e.hash());
        String[][] variants = {
            {"8", "2026-11-28T10:00:00.000Z", "alice", "job.launched", "3", details, AuditEvent.GENESIS},
            {"7", "2026-11-28T10:00:00.001Z", "alice", "job.launched", "3", details, AuditEvent.GENESIS},
            {"7", "2026-11-28T10:00:00.000Z", "mallory", "job.launched", "3", details, AuditEvent.GENESIS},
            {"7", "2026-11-28T10:00:00.000Z", "alice", "job.stopped", "3", details, AuditEvent.GENESIS},
            {"7", "2026-11-28T10:00:00.000Z", "alice", "job.launched", "4", details, AuditEvent.GENESIS},
            {"7", "2026-11-28T10:00:00.000Z", "alice", "job.launched", "3", "{\"k\":\"w\"}", AuditEvent.GENESIS},
            {"7", "2026-11-28T10:00:00.000Z", "alice", "job.launched", "3", details, "1".repeat(64)}};
        for (String[] v : variants) {
            AuditEvent other = new AuditEvent(Long.parseLong(v[0]), v[1], v[2], v[3], "job-execution", v[4], v[5],
                    v[6]);
            assertNotEquals(e.hash(), other.hash(), String.join(" ", v));
        }
    }

    @Test
    void eventTimesAreUtcWithMillisecondsSoThatTextOrderIsTimeOrder() {
        assertEquals("2026-11-28T10:00:00.000Z", AuditLedger.timeText(java.time.Instant.parse("2026-11-28T10:00:00Z")));
        assertEquals("2026-11-28T10:00:00.123Z",
                AuditLedger.timeText(java.time.Instant.parse("2026-11-28T11:00:00.123456+01:00")));
    }
}
