package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server killed with SIGKILL in the middle of ingesting a 3,000-record input, started again, the execution
 * restarted: the dataset version is byte for byte the one an uninterrupted run makes (same content SHA-256).
 * On the manual container, in the failsafe execution that may stop and start servers.
 */
@Tag(AbstractIT.DATABASE)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PrepareDatasetKillIT extends ManualServerIT {

    private static final int RECORDS = 3000;

    @Test
    void killedMidIngestRestartsToTheSameDatasetVersion() throws Exception {
        Path input = writeInput();
        Map<String, String> params = Map.of("input.path", input.getFileName().toString(), "labels", "ham,spam",
                "checkpoint.every.records", "50");
        startServer();
        try {
            JsonObject reference = run(merge(params, "dataset.name", "kill-reference"));
            String expectedSha = reference.getString("contentSha256");

            JsonObject launched = startJob("prepare-dataset", merge(params, "dataset.name", "kill-it"));
            long first = launched.getJsonNumber("executionId").longValue();
            long readAtKill = awaitIngestProgress(first, 600);
            killServer();
            controller.start(CONTAINER);

            JsonObject stale = get("/api/executions/" + first).object();
            long committed = step(stale, "ingest").getJsonObject("counts").getJsonNumber("read").longValue();
            assertTrue(committed >= 300 && committed < RECORDS, "killed mid-ingest after " + committed + " records");
            JsonObject restarted = restart(first, Map.of());
            JsonObject done = awaitEnd(restarted.getJsonNumber("executionId").longValue(), Duration.ofMinutes(5));
            assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
            long reread = metric(step(done, "ingest"), "readCount");
            assertEquals(RECORDS - committed, reread,
                    "the restart read only what was not committed (killed at ~" + readAtKill + ")");

            JsonObject manifest = manifest("kill-it", "latest");
            assertEquals(expectedSha, manifest.getString("contentSha256"));
            assertEquals(reference.getJsonObject("counts"), manifest.getJsonObject("counts"));
            assertEquals(RECORDS, manifest.getJsonObject("counts").getInt("read"));
        } finally {
            stopServer();
        }
    }

    private static JsonObject run(Map<String, String> params) throws Exception {
        JsonObject launched = startJob("prepare-dataset", params);
        JsonObject done = awaitEnd(launched.getJsonNumber("executionId").longValue(), Duration.ofMinutes(5));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        return manifest(params.get("dataset.name"), "latest");
    }

    /** Polls until the ingest step has committed at least {@code records}; returns what it had. */
    private static long awaitIngestProgress(long executionId, long records) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject e = get("/api/executions/" + executionId).object();
            JsonObject ingest = e.getJsonArray("steps").stream().map(v -> v.asJsonObject())
                    .filter(s -> s.getString("stepName").equals("ingest")).findFirst().orElse(null);
            if (ingest != null && ingest.getJsonObject("counts").containsKey("read")) {
                long read = ingest.getJsonObject("counts").getJsonNumber("read").longValue();
                assertTrue(read < RECORDS, "ingest finished before the kill: make the input bigger");
                if (read >= records) {
                    return read;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("ingest of execution " + executionId + " did not reach " + records + " records");
    }

    /** 3,000 records: the sample's mails, each repeated with a distinct id and a distinct closing line. */
    private static Path writeInput() throws Exception {
        Path inbox = storeHome().resolve("inbox");
        Files.createDirectories(inbox);
        Path file = inbox.resolve("kill-" + System.nanoTime() + ".jsonl");
        List<JsonObject> sample = readJsonl(Path.of("samples", SAMPLE));
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < RECORDS; i++) {
                JsonObject m = sample.get(i % sample.size());
                int round = i / sample.size();
                w.write(Json.createObjectBuilder().add("id", round + "/" + m.getString("id"))
                        .add("text", round == 0 ? m.getString("text") : m.getString("text") + "\n\nref " + round)
                        .add("label", m.getString("label")).build().toString());
                w.write('\n');
            }
        }
        return file;
    }

    private static Map<String, String> merge(Map<String, String> base, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }
}
