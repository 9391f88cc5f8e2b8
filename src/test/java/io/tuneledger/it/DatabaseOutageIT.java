package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The database goes away under a running job: PostgreSQL is stopped while an ingest commits its chunks, and started
 * again. The job fails (it cannot commit), the server stays up, and a restart resumes from the last committed
 * checkpoint to the same dataset version an undisturbed run makes; the ledger verifies. PostgreSQL only: the
 * embedded H2 database lives inside the server and cannot go away on its own. The test stops the local cluster with
 * {@code pg_ctlcluster} (as .ci/run starts it), so it needs the rights to do so.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Tag(AbstractIT.DATABASE)
class DatabaseOutageIT extends AbstractIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    private static final int RECORDS = 1500;

    /** Runs pg_ctlcluster on the local cluster: {@code stop} (fast: connections are cut) or {@code start}. */
    private static void cluster(String action) throws Exception {
        String version;
        try (var versions = Files.list(Path.of("/etc/postgresql"))) {
            version = versions.map(p -> p.getFileName().toString()).sorted().findFirst().orElseThrow();
        }
        Process p = new ProcessBuilder(action.equals("stop")
                ? new String[] {"pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "stop", "-m", "fast"}
                : new String[] {"pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"})
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), "pg_ctlcluster " + action + ": " + out);
    }

    /** The execution as the API shows it, or null while the API cannot answer (its database is down). */
    private static JsonObject execution(long id) {
        try {
            Reply r = get("/api/executions/" + id);
            return r.status() == 200 ? r.object() : null;
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void postgresqlStoppedDuringAChunkCommitAndStartedAgain() throws Exception {
        assumeTrue("postgresql".equals(System.getProperty("tuneledger.db")),
                "the database outage is PostgreSQL's: H2 runs inside the server");
        Path input = writeInput("outage", RECORDS, (round, m) -> Json.createObjectBuilder(m)
                .add("id", round + "/" + m.getString("id"))
                .add("text", round == 0 ? m.getString("text") : m.getString("text") + "\n\nref " + round).build());
        Map<String, String> params = Map.of("input.path", input.getFileName().toString(), "labels", "ham,spam",
                "checkpoint.every.records", "50");
        String reference = unique("outage-reference");
        JsonObject undisturbed = awaitEnd(startJob("prepare-dataset", with(params, "dataset.name", reference))
                .getJsonNumber("executionId").longValue(), Duration.ofMinutes(10));
        assertEquals("COMPLETED", undisturbed.getString("batchStatus"), undisturbed::toString);

        String name = unique("outage");
        long first = startJob("prepare-dataset", with(params, "dataset.name", name)).getJsonNumber("executionId")
                .longValue();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        long read = 0;
        while (read < 300 && System.nanoTime() < deadline) {
            JsonObject e = execution(first);
            JsonObject ingest = e == null ? null : e.getJsonArray("steps").stream().map(JsonValue::asJsonObject)
                    .filter(s -> s.getString("stepName").equals("ingest")).findFirst().orElse(null);
            JsonObject counts = ingest == null ? null : ingest.getJsonObject("counts");
            read = counts == null || !counts.containsKey("read") ? 0 : counts.getJsonNumber("read").longValue();
            Thread.sleep(50);
        }
        assertTrue(read >= 300 && read < RECORDS, "stopped mid-ingest: " + read);
        try {
            cluster("stop");
            Thread.sleep(3000);
        } finally {
            cluster("start");
        }
        JsonObject failed = null;
        deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            failed = execution(first);
            if (failed != null && !failed.getString("batchStatus").startsWith("START")) {
                break;
            }
            Thread.sleep(500);
        }
        assertTrue(failed != null && failed.getString("batchStatus").equals("FAILED"),
                "the job that could not commit failed: " + failed);

        long second = restart(first, Map.of()).getJsonNumber("executionId").longValue();
        JsonObject done = awaitEnd(second, Duration.ofMinutes(10));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        JsonObject resumed = manifest(name, "latest");
        JsonObject expected = manifest(reference, "latest");
        assertEquals(expected.getString("contentSha256"), resumed.getString("contentSha256"),
                "nothing lost or written twice: the same dataset as the undisturbed run");
        assertEquals(expected.getJsonObject("counts"), resumed.getJsonObject("counts"));
        assertTrue(get("/api/audit/verify").object().getBoolean("valid"));
    }
}
