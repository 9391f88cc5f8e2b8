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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Faults at the disk: a full disk while a training state or an output part is written (the write fails as a full disk
 * makes it fail, part of the data already in the file), and a training state damaged or truncated on disk before a
 * restart. Each run fails with a message naming the file, loses nothing, writes nothing twice, restarts cleanly to
 * what an undisturbed run makes, and the ledger verifies after each. (kill -9 and SIGTERM: ServerKillIT.)
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class FaultsIT extends AbstractIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    @AfterEach
    void clearFaults() throws Exception {
        postRaw("/api/test-fixtures/faults/clear", "");
    }

    private static void diskFullAt(String prefix, int skip) throws Exception {
        assertEquals(200, postRaw("/api/test-fixtures/faults/disk-full?prefix=" + prefix + "&skip=" + skip, "")
                .status());
    }

    private static long id(JsonObject launched) {
        return launched.getJsonNumber("executionId").longValue();
    }

    /** The message of the step failure the ledger recorded for an execution. */
    private static String failure(long executionId) throws Exception {
        return events("job-execution:" + executionId).stream()
                .filter(e -> e.getString("action").equals("step.failed")).findFirst()
                .map(e -> e.getJsonObject("details").getString("message"))
                .orElseThrow(() -> new AssertionError("no step.failed event for execution " + executionId));
    }

    /** The steps of every training checkpoint the ledger recorded for these executions. */
    private static List<Integer> checkpointSteps(long... executions) throws Exception {
        List<Integer> steps = new java.util.ArrayList<>();
        for (long id : executions) {
            events("job-execution:" + id).stream().filter(e -> e.getString("action").equals("training.checkpoint"))
                    .forEach(e -> steps.add(e.getJsonObject("details").getInt("steps")));
        }
        return steps;
    }

    private static void assertLedgerValid() throws Exception {
        JsonObject verify = get("/api/audit/verify").object();
        assertTrue(verify.getBoolean("valid"), verify::toString);
    }

    @Test
    void aFullDiskWhileATrainingStateIsWrittenFailsTheRunWhichRestartsToTheUndisturbedWeights() throws Exception {
        String data = sampleDataset();
        String reference = unique("disk-reference");
        JsonObject done = awaitEnd(id(startJob("fine-tune", with(MECHANICS, "dataset.name", data, "model.name",
                reference))), Duration.ofMinutes(10));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);

        diskFullAt("state-", 1);
        String model = unique("disk-full");
        long first = id(startJob("fine-tune", with(MECHANICS, "dataset.name", data, "model.name", model)));
        JsonObject failed = awaitEnd(first, Duration.ofMinutes(10));
        assertEquals("FAILED", failed.getString("batchStatus"), failed::toString);
        String message = failure(first);
        assertTrue(message.contains("No space left on device") && message.contains("state-4.safetensors"), message);
        Path train = storeHome().resolve("runs").resolve(Long.toString(failed.getJsonNumber("instanceId")
                .longValue())).resolve("train");
        try (Stream<Path> files = Files.list(train)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.contains("state-2.safetensors"), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.endsWith(".tmp") || n.startsWith("state-4")),
                    "no half-written state is left: " + names);
        }
        assertLedgerValid();

        long second = id(restart(first, Map.of()));
        JsonObject resumed = awaitEnd(second, Duration.ofMinutes(10));
        assertEquals("COMPLETED", resumed.getString("batchStatus"), resumed::toString);
        List<Integer> steps = checkpointSteps(first, second);
        assertEquals(new HashSet<>(steps).size(), steps.size(), "no checkpoint written twice: " + steps);
        assertEquals(get("/api/models/" + reference + "/versions/1").object().getString("weightsSha256"),
                get("/api/models/" + model + "/versions/1").object().getString("weightsSha256"),
                "the restarted run ends with the undisturbed run's weights");
        assertLedgerValid();
    }

    @Test
    void aDamagedOrTruncatedTrainingStateIsRefusedNamingItsFileNeverSilentlyStartedOver() throws Exception {
        String model = unique("damaged-state");
        long first = id(startJob("fine-tune", with(MECHANICS, "dataset.name", sampleDataset(), "model.name", model)));
        awaitTrainingSteps(first, 4);
        assertEquals(202, postRaw("/api/executions/" + first + "/stop", "").status());
        JsonObject stopped = awaitEnd(first, Duration.ofMinutes(5));
        assertEquals("STOPPED", stopped.getString("batchStatus"), stopped::toString);
        String stateFile = events("job-execution:" + first).stream()
                .filter(e -> e.getString("action").equals("training.checkpoint")).findFirst().orElseThrow()
                .getJsonObject("details").getString("stateFile");
        Path state = storeHome().resolve("runs").resolve(Long.toString(stopped.getJsonNumber("instanceId")
                .longValue())).resolve("train").resolve(stateFile);
        byte[] good = Files.readAllBytes(state);

        Files.write(state, java.util.Arrays.copyOf(good, good.length / 2));
        long truncated = id(restart(first, Map.of()));
        assertEquals("FAILED", awaitEnd(truncated, Duration.ofMinutes(5)).getString("batchStatus"));
        String message = failure(truncated);
        assertTrue(message.contains(state.toString()) && message.contains("Nothing was trained from it"), message);

        byte[] flipped = good.clone();
        flipped[flipped.length - 10] ^= 0x40;
        Files.write(state, flipped);
        long damaged = id(restart(truncated, Map.of()));
        assertEquals("FAILED", awaitEnd(damaged, Duration.ofMinutes(5)).getString("batchStatus"));
        message = failure(damaged);
        assertTrue(message.contains(state.toString()) && message.contains("is damaged: its SHA-256"), message);
        assertEquals(0, metric(step(get("/api/executions/" + damaged).object(), "train"), "readCount"),
                "no update was made from a damaged state");

        Files.write(state, good);
        JsonObject done = awaitEnd(id(restart(damaged, Map.of())), Duration.ofMinutes(10));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        assertLedgerValid();
    }

    @Test
    void aFullDiskWhileAPredictionsPartIsWrittenLosesAndDoublesNothing() throws Exception {
        String model = unique("disk-score");
        assertEquals("COMPLETED", awaitEnd(id(startJob("fine-tune", with(MECHANICS, "dataset.name",
                sampleDataset(), "model.name", model))), Duration.ofMinutes(10)).getString("batchStatus"));
        Path input = storeHome().resolve("inbox").resolve("disk-score-" + RUN + ".jsonl");
        Files.createDirectories(input.getParent());
        List<JsonObject> sample = readJsonl(Path.of("samples", SAMPLE));
        int records = 400;
        try (BufferedWriter w = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
            for (int i = 0; i < records; i++) {
                w.write(Json.createObjectBuilder().add("id", "r" + i).add("text", sample.get(i % sample.size())
                        .getString("text")).build() + "\n");
            }
        }
        Map<String, String> score = Map.of("model.name", model, "input.path", input.getFileName().toString(),
                "score.batch.size", "16", "score.partitions", "2", "output.path", model + ".jsonl");
        diskFullAt("part-", 150);
        long first = id(startJob("score", score));
        JsonObject failed = awaitEnd(first, Duration.ofMinutes(10));
        assertEquals("FAILED", failed.getString("batchStatus"), failed::toString);
        assertTrue(failure(first).contains("No space left on device"), failure(first));
        Path output = storeHome().resolve("outbox").resolve(model + ".jsonl");
        assertTrue(!Files.exists(output), "no half-written output");
        assertLedgerValid();

        JsonObject done = awaitEnd(id(restart(first, Map.of())), Duration.ofMinutes(10));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        List<JsonObject> lines = readJsonl(output);
        assertEquals(records, lines.size(), "every record scored once");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < records; i++) {
            assertEquals("r" + i, lines.get(i).getString("id"), "in input order");
            ids.add(lines.get(i).getString("id"));
        }
        assertEquals(records, ids.size());
        assertLedgerValid();
    }
}
