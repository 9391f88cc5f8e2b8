package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit ledger through the REST API: what a job run records, chain verification, and tampering through SQL (an
 * update, a delete and an insert) each detected at the right sequence number; on PostgreSQL the application's own
 * role cannot update ledger rows.
 */
@Tag(AbstractIT.DATABASE)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AuditIT extends AbstractIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    @Test
    void aJobRunIsRecordedFromLaunchToEndAndTheChainVerifies() throws Exception {
        String dataset = unique("audit-it");
        JsonObject launched = as("operator",
                () -> startJob("prepare-dataset", Map.of("dataset.name", dataset, "input.path", SAMPLE)));
        long id = launched.getJsonNumber("executionId").longValue();
        JsonObject done = awaitEnd(id, Duration.ofMinutes(5));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        awaitJobEndEvent(id);

        List<JsonObject> events = events("job-execution:" + id);
        List<String> actions = events.stream().map(e -> e.getString("action")).toList();
        assertTrue(actions.containsAll(List.of("job.launched", "job.started", "step.ended", "job.completed")),
                actions::toString);
        assertEquals(4, actions.stream().filter("step.ended"::equals).count(), "one event per step");
        assertEquals(4, actions.stream().filter("step.started"::equals).count(), "each step's start too");
        assertTrue(actions.indexOf("job.started") > actions.lastIndexOf("step.started"),
                "newest first: the job started before any of its steps");
        JsonObject launch = events.stream().filter(e -> e.getString("action").equals("job.launched")).findFirst()
                .orElseThrow();
        assertEquals("operator", launch.getString("actor"), "the authenticated caller launched it");
        assertEquals(dataset, launch.getJsonObject("details").getJsonObject("parameters").getString("dataset.name"));

        JsonObject created = events("dataset:" + dataset + " v1").get(0);
        assertEquals("dataset.created", created.getString("action"));
        assertEquals(manifest(dataset, "1").getString("contentSha256"),
                created.getJsonObject("details").getString("contentSha256"));

        JsonObject boot = events("system:tuneledger").get(0);
        JsonObject versions = boot.getJsonObject("details").getJsonObject("versions");
        assertEquals("39.0.1.Final", versions.getString("wildfly"));
        assertTrue(versions.getString("jberet").matches("\\d+\\.\\d+.*"), versions::toString);
        assertTrue(versions.getString("pytorch").startsWith("2."), versions::toString);

        JsonObject verify = get("/api/audit/verify").object();
        assertTrue(verify.getBoolean("valid"), verify::toString);
        assertTrue(verify.getJsonNumber("events").longValue() >= events.size() + 2);
        // each event's prevHash is the hash of the event before it
        List<JsonObject> all = events("");
        for (int i = 0; i + 1 < all.size(); i++) {
            assertEquals(all.get(i + 1).getString("hash"), all.get(i).getString("prevHash"));
        }
    }

    @Test
    void anUpdateADeleteAndAnInsertThroughSqlAreEachDetected() throws Exception {
        fixture("repair");
        prepareIfEmpty();
        long seq = events("").get(3).getJsonNumber("seq").longValue();
        fixture("save/" + seq);
        try {
            fixture("update/" + seq);
            assertBrokenAt(seq, "changed");
        } finally {
            fixture("restore/" + seq);
        }
        assertValid();
        try {
            fixture("delete/" + seq);
            assertBrokenAt(seq, "missing");
        } finally {
            fixture("restore/" + seq);
        }
        assertValid();
        try {
            long inserted = fixture("insert").getJsonNumber("seq").longValue();
            assertBrokenAt(inserted, "inserted");
        } finally {
            fixture("restore/" + seq);
        }
        fixture("repair");
        assertValid();
    }

    /**
     * The attack a plain hash chain cannot see: an event rewritten and every later hash and the head recomputed through
     * SQL. Its MAC (a key the database does not hold) gives it away, and so does a MAC removed; deleting the newest
     * events and moving the head back is given away by the anchors outside the database.
     */
    @Test
    void aRewriteWithTheWholeChainRecomputedThroughSqlFailsAtTheRewrittenEvent() throws Exception {
        fixture("repair");
        prepareIfEmpty();
        long seq = events("").get(3).getJsonNumber("seq").longValue();
        try {
            fixture("rewrite/" + seq + "/false");
            assertBrokenAt(seq, "its MAC does not match");
        } finally {
            fixture("undo-rewrite");
        }
        assertValid();
        try {
            fixture("rewrite/" + seq + "/true");
            assertBrokenAt(seq, "carries no MAC");
        } finally {
            fixture("undo-rewrite");
        }
        assertValid();

        Reply rotated = postRaw("/api/audit/keys", "");
        assertEquals(200, rotated.status(), rotated::text);
        String key = rotated.object().getString("keyId");
        JsonObject verify = get("/api/audit/verify").object();
        assertTrue(verify.getBoolean("valid"), verify::toString);
        assertTrue(verify.getJsonArray("keys").toString().contains("\"" + key + "\""), verify::toString);
        JsonObject rotation = events("ledger:" + key).get(0);
        assertEquals("ledger.key-rotated", rotation.getString("action"));
        assertEquals(key, rotation.getString("keyId"), "the new key signs from its own rotation on");
        long anchored = verify.getJsonObject("lastAnchor").getJsonNumber("seq").longValue();
        assertEquals(rotation.getJsonNumber("seq").longValue(), anchored, "the rotation anchors the head");
        try {
            fixture("drop-tail/" + anchored);
            assertBrokenAt(anchored, "anchored");
        } finally {
            fixture("undo-rewrite");
        }
        assertValid();
    }

    @Test
    void theDatabaseRefusesUpdatesOfLedgerRowsOnPostgresql() throws Exception {
        prepareIfEmpty();
        long seq = events("").get(0).getJsonNumber("seq").longValue();
        JsonObject answer = fixture("plain-update/" + seq);
        if ("postgresql".equals(System.getProperty("tuneledger.db"))) {
            assertTrue(answer.getBoolean("refused"), answer::toString);
            assertTrue(answer.getString("error").contains("append-only"), answer::toString);
        } else {
            // H2, the embedded development database, has no such protection: the chain is what detects changes.
            assertFalse(answer.getBoolean("refused"), answer::toString);
        }
        assertValid();
    }

    private static void prepareIfEmpty() throws Exception {
        if (events("").size() < 5) {
            JsonObject launched = startJob("prepare-dataset", Map.of("dataset.name", unique("audit-fill"), "input.path",
                    SAMPLE));
            long id = launched.getJsonNumber("executionId").longValue();
            JsonObject done = awaitEnd(id, Duration.ofMinutes(5));
            assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
            awaitJobEndEvent(id);
        }
    }

    /** The job's end is recorded just after its status turns final: wait for it, so no append races the test. */
    private static void awaitJobEndEvent(long executionId) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (events("job-execution:" + executionId).stream().anyMatch(e -> e.getString("action")
                    .equals("job.completed"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no job.completed event for execution " + executionId);
    }

    private static JsonObject fixture(String path) throws Exception {
        Reply reply = postRaw("/api/test-fixtures/audit/" + path, "");
        assertEquals(200, reply.status(), reply::text);
        return reply.object();
    }

    private static void assertBrokenAt(long seq, String why) throws Exception {
        JsonObject verify = get("/api/audit/verify").object();
        assertFalse(verify.getBoolean("valid"), verify::toString);
        assertEquals(seq, verify.getJsonNumber("brokenAt").longValue(), verify::toString);
        assertTrue(verify.getString("reason").contains(why), verify::toString);
    }

    private static void assertValid() throws Exception {
        JsonObject verify = get("/api/audit/verify").object();
        assertTrue(verify.getBoolean("valid"), verify::toString);
    }
}
