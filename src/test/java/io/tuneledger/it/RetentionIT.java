package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The retention job on a stopped and abandoned fine-tune (its training state still on disk): a dry run removes nothing
 * and records
 * the plan; the real run removes the job's records and checkpoint files, records exactly what went, and leaves the
 * dataset and the ledger (whose chain still verifies).
 */
@Tag(AbstractIT.DATABASE)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RetentionIT extends AbstractIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    @Test
    void oldRecordsAndCheckpointsGoTheDatasetAndTheLedgerStay() throws Exception {
        String name = unique("retention-it");
        prepare(name);
        Map<String, String> params = with(MECHANICS, "dataset.name", name, "model.name", name);
        JsonObject launched = startJob("fine-tune", params);
        long stopped = launched.getJsonNumber("executionId").longValue();
        long instance = launched.getJsonNumber("instanceId").longValue();
        awaitTrainingSteps(stopped, 2);
        assertEquals(202, post("/api/executions/" + stopped + "/stop", parameters(Map.of())).status());
        assertEquals("STOPPED", awaitEnd(stopped, Duration.ofMinutes(5)).getString("batchStatus"));
        Reply abandoned = as("operator", () -> post("/api/executions/" + stopped + "/abandon", null));
        assertEquals(200, abandoned.status(), abandoned::text);
        assertEquals("ABANDONED", abandoned.object().getString("batchStatus"));
        Reply restart = post("/api/executions/" + stopped + "/restart", parameters(Map.of()));
        assertEquals(409, restart.status(), "an abandoned execution is never restarted: " + restart.text());
        JsonObject abandonEvent = events("job-execution:" + stopped).get(0);
        assertEquals("job.abandoned", abandonEvent.getString("action"));
        assertEquals("operator", abandonEvent.getString("actor"));
        Path run = storeHome().resolve("runs").resolve(Long.toString(instance));
        List<Path> states;
        try (var files = Files.walk(run)) {
            states = files.filter(f -> f.getFileName().toString().endsWith(".safetensors")).toList();
        }
        assertFalse(states.isEmpty(), "a stopped fine-tune keeps its training state for a restart");

        JsonObject dry = runRetention(Map.of("older.than.days", "0", "dry.run", "true"));
        JsonObject planned = lastEvent("retention:" + dry.getJsonNumber("executionId"), "retention.planned");
        assertTrue(instances(planned).contains(instance), planned::toString);
        assertEquals(200, get("/api/executions/" + stopped).status(), "a dry run removes nothing");
        states.forEach(f -> assertTrue(Files.exists(f), f + " is still there after the dry run"));

        JsonObject real = runRetention(Map.of("older.than.days", "0"));
        assertEquals("COMPLETED", real.getString("batchStatus"), real::toString);
        JsonObject purged = lastEvent("retention:" + real.getJsonNumber("executionId"), "retention.purged");
        assertTrue(instances(purged).contains(instance), purged::toString);
        for (Path f : states) {
            assertFalse(Files.exists(f), f + " was removed");
            String relative = storeHome().relativize(f).toString();
            assertTrue(purged.getJsonArray("checkpoints").stream().anyMatch(c -> c.asJsonObject().getString("path")
                    .equals(relative)), relative + " is listed in the ledger event");
        }
        assertEquals(404, get("/api/executions/" + stopped).status(), "the execution's records are gone");
        assertEquals(200, get("/api/datasets/" + name + "/versions/1").status(), "datasets are kept");
        assertFalse(events("job-execution:" + stopped).isEmpty(), "the ledger keeps the job's events");
        assertTrue(get("/api/audit/verify").object().getBoolean("valid"));

        JsonObject nothingLeft = runRetention(Map.of("older.than.days", "0"));
        JsonObject second = lastEvent("retention:" + nothingLeft.getJsonNumber("executionId"), "retention.purged");
        assertFalse(instances(second).contains(instance), "removed once, not twice");

        Reply bad = post("/api/jobs/retention/executions", parameters(Map.of("older.than.days", "-1")));
        assertEquals(400, bad.status(), bad::text);
        assertTrue(bad.text().contains("older.than.days"), bad::text);
    }

    private static JsonObject runRetention(Map<String, String> params) throws Exception {
        JsonObject done = awaitEnd(startJob("retention", params).getJsonNumber("executionId").longValue(),
                Duration.ofMinutes(5));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        return done;
    }

    private static JsonObject lastEvent(String subject, String action) throws Exception {
        return events(subject).stream().filter(e -> e.getString("action").equals(action)).findFirst()
                .map(e -> e.getJsonObject("details")).orElseThrow(() -> new AssertionError("no " + action));
    }

    private static List<Long> instances(JsonObject plan) {
        return plan.getJsonArray("jobInstances").stream()
                .map(i -> i.asJsonObject().getJsonNumber("id").longValue()).toList();
    }
}
