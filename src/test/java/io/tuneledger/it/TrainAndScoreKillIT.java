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
import java.util.Set;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server killed with SIGKILL during training (after at least two checkpoints) and during scoring, started again,
 * the executions restarted through the API: the registered weights are bit-identical to an uninterrupted run's, and
 * the predictions file is byte for byte an uninterrupted run's, one line per input record. The uninterrupted runs
 * are polled every 100 ms while they train, as a busy console would.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TrainAndScoreKillIT extends ManualServerIT {

    private static final String DATA = unique("kill-data");
    private static final String REFERENCE = unique("kill-reference");
    private static final String KILLED = unique("kill-train");
    private static final Map<String, String> TRAIN = PipelineIT.with(PipelineIT.FAST, "dataset.name", DATA,
            "train.max.length", "16", "checkpoint.every.steps", "5");
    /** Enough that partition 0 (600 records) is still scoring when the server is killed after 300. */
    private static final int SCORE_RECORDS = 1200;

    @Test
    void killedTrainingAndScoringRestartToTheUninterruptedResults() throws Exception {
        startServer();
        try {
            PipelineIT.prepare(DATA);

            // Training: an uninterrupted reference, then a run killed after two checkpoints.
            JsonObject reference = train(REFERENCE);
            long first = startJob("fine-tune", PipelineIT.with(TRAIN, "model.name", KILLED))
                    .getJsonNumber("executionId").longValue();
            PipelineIT.awaitTrainingSteps(first, 12);
            killServer();
            controller.start(CONTAINER);
            JsonObject stale = get("/api/executions/" + first).object();
            assertEquals("FAILED", stale.getString("batchStatus"), "marked FAILED at the server's start");
            assertEquals("CRASHED", stale.getString("exitStatus"));
            assertEquals("FAILED", step(stale, "train").getString("batchStatus"));
            JsonObject recovered = events("job-execution:" + first).get(0);
            assertEquals("job.recovered", recovered.getString("action"), recovered::toString);
            assertEquals("STARTED", recovered.getJsonObject("details").getString("previousStatus"));
            int committed = step(stale, "train").getJsonObject("progress").getInt("done");
            assertTrue(committed >= 10 && committed < 35, "killed after two checkpoints: " + committed + " steps");
            long second = restart(first, Map.of()).getJsonNumber("executionId").longValue();
            JsonObject done = awaitEnd(second, Duration.ofMinutes(10));
            assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
            assertEquals(35 - committed, metric(step(done, "train"), "readCount"),
                    "the restart made only the updates after the last checkpoint");
            JsonObject resumed = get("/api/models/" + KILLED + "/versions/1").object();
            assertEquals(reference.getString("weightsSha256"), resumed.getString("weightsSha256"),
                    "the resumed run ends with the uninterrupted run's weights");

            // Scoring: an uninterrupted reference, then a run killed part-way.
            Path input = scoreInput();
            Map<String, String> score = Map.of("model.name", REFERENCE, "model.version", "1",
                    "input.path", input.getFileName().toString(), "score.batch.size", "16", "score.partitions", "2");
            JsonObject scored = awaitEnd(startJob("score", PipelineIT.with(score, "output.path", REFERENCE + ".jsonl"))
                    .getJsonNumber("executionId").longValue(), Duration.ofMinutes(10));
            assertEquals("COMPLETED", scored.getString("batchStatus"), scored::toString);
            Path referenceOutput = storeHome().resolve("outbox").resolve(REFERENCE + ".jsonl");

            JsonObject launched = startJob("score", PipelineIT.with(score, "output.path", KILLED + ".jsonl"));
            long scoring = launched.getJsonNumber("executionId").longValue();
            awaitPartLines(launched.getJsonNumber("instanceId").longValue(), 300);
            killServer();
            controller.start(CONTAINER);
            Path output = storeHome().resolve("outbox").resolve(KILLED + ".jsonl");
            assertTrue(Files.notExists(output), "no output before the merge");
            JsonObject rescored = awaitEnd(restart(scoring, Map.of()).getJsonNumber("executionId").longValue(),
                    Duration.ofMinutes(10));
            assertEquals("COMPLETED", rescored.getString("batchStatus"), rescored::toString);
            List<JsonObject> lines = readJsonl(output);
            assertEquals(SCORE_RECORDS, lines.size());
            assertEquals(SCORE_RECORDS, lines.stream().map(l -> l.getString("id")).distinct().count());
            assertEquals(PipelineIT.sha256(referenceOutput), PipelineIT.sha256(output),
                    "the restarted run's predictions equal the uninterrupted run's, byte for byte");
        } finally {
            stopServer();
        }
    }

    /** An uninterrupted fine-tune, polled every 100 ms; returns its registered version. */
    private static JsonObject train(String model) throws Exception {
        long id = startJob("fine-tune", PipelineIT.with(TRAIN, "model.name", model)).getJsonNumber("executionId")
                .longValue();
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        JsonObject e;
        do {
            Thread.sleep(100);
            e = get("/api/executions/" + id).object();
        } while (!Set.of("COMPLETED", "FAILED", "STOPPED").contains(e.getString("batchStatus"))
                && System.nanoTime() < deadline);
        assertEquals("COMPLETED", e.getString("batchStatus"), e.toString());
        return get("/api/models/" + model + "/versions/1").object();
    }

    /** Waits until partition 0 of a score job instance has written at least {@code lines} lines. */
    private static void awaitPartLines(long instanceId, int lines) throws Exception {
        Path part = storeHome().resolve("runs").resolve(Long.toString(instanceId)).resolve("score")
                .resolve("part-0.jsonl");
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(part)) {
                long n;
                try (var s = Files.lines(part)) {
                    n = s.count();
                }
                assertTrue(n < SCORE_RECORDS / 2, "partition 0 finished before the kill: make the input bigger");
                if (n >= lines) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("partition 0 did not reach " + lines + " lines");
    }

    /** The sample's mails repeated with distinct ids, without labels. */
    private static Path scoreInput() throws Exception {
        Path inbox = storeHome().resolve("inbox");
        Files.createDirectories(inbox);
        Path file = inbox.resolve("score-kill-" + System.nanoTime() + ".jsonl");
        List<JsonObject> sample = readJsonl(Path.of("samples", SAMPLE));
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < SCORE_RECORDS; i++) {
                JsonObject m = sample.get(i % sample.size());
                w.write(Json.createObjectBuilder().add("id", (i / sample.size()) + "/" + m.getString("id"))
                        .add("text", m.getString("text")).build().toString());
                w.write('\n');
            }
        }
        return file;
    }
}
