package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server stopped, or killed with SIGKILL (no shutdown hooks, nothing flushed: a power cut for the JVM), while
 * jobs run; started again, the executions restarted through the API. Each restart resumes from the last checkpoint
 * and ends exactly where an uninterrupted run ends: the same records once each, the same dataset version, the same
 * weights bit for bit, the same predictions byte for byte. The tests share one server, which they stop, kill and
 * start themselves (Arquillian's manual container, in its own failsafe execution: see pom.xml).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ServerKillIT extends ManualServerIT {

    @Test
    void aFailedExecutionIsRestartedFromItsCheckpointAfterAServerStopAndStart() throws Exception {
        startServer();
        JsonObject launched = startJob(FaultInjectionJob.NAME,
                Map.of("dataset.name", unique("server-restart"), "input.path", SAMPLE, "fail.at.item", "175"));
        long first = launched.getJsonNumber("executionId").longValue();
        JsonObject failed = awaitEnd(first, Duration.ofMinutes(2));
        assertEquals("FAILED", failed.getString("batchStatus"), failed::toString);
        assertEquals(150, metric(step(failed, "ingest"), "writeCount"));

        restartServer();

        JsonObject afterRestart = get("/api/executions/" + first).object();
        assertEquals("FAILED", afterRestart.getString("batchStatus"), "the execution survived in the repository");
        assertEquals(150, metric(step(afterRestart, "ingest"), "writeCount"));

        JsonObject restarted = restart(first, Map.of("fail.at.item", "0"));
        JsonObject done = awaitEnd(restarted.getJsonNumber("executionId").longValue(), Duration.ofMinutes(2));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        assertEquals(sampleIds().size() - 150, metric(step(done, "ingest"), "readCount"),
                "resumed after line 150, not from the start");

        Path accepted = storeHome().resolve("staging").resolve(launched.get("instanceId").toString())
                .resolve("accepted.jsonl");
        assertEquals(sampleIds(), readJsonl(accepted).stream().map(o -> o.getString("id")).toList(),
                "each record exactly once, in input order");
    }

    /** Ingest records: the sample's mails repeated with distinct ids and closing lines, enough to be killed in. */
    private static final int INGEST_RECORDS = 2000;

    @Tag(AbstractIT.DATABASE)
    @Test
    void killedMidIngestRestartsToTheSameDatasetVersion() throws Exception {
        startServer();
        Path input = writeInput("kill-ingest", INGEST_RECORDS, (round, m) -> Json.createObjectBuilder(m)
                .add("id", round + "/" + m.getString("id"))
                .add("text", round == 0 ? m.getString("text") : m.getString("text") + "\n\nref " + round).build());
        Map<String, String> params = Map.of("input.path", input.getFileName().toString(), "labels", "ham,spam",
                "checkpoint.every.records", "50");
        JsonObject reference = prepareAndRead(with(params, "dataset.name", unique("ingest-reference")));

        String killed = unique("ingest-killed");
        long first = startJob("prepare-dataset", with(params, "dataset.name", killed)).getJsonNumber("executionId")
                .longValue();
        long readAtKill = awaitIngestProgress(first, 400);
        killServer();
        controller.start(CONTAINER);

        JsonObject stale = get("/api/executions/" + first).object();
        long committed = step(stale, "ingest").getJsonObject("counts").getJsonNumber("read").longValue();
        assertTrue(committed >= 300 && committed < INGEST_RECORDS, "killed mid-ingest after " + committed);
        JsonObject done = awaitEnd(restart(first, Map.of()).getJsonNumber("executionId").longValue(),
                Duration.ofMinutes(5));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        assertEquals(INGEST_RECORDS - committed, metric(step(done, "ingest"), "readCount"),
                "the restart read only what was not committed (killed at ~" + readAtKill + ")");

        JsonObject manifest = manifest(killed, "latest");
        assertEquals(reference.getString("contentSha256"), manifest.getString("contentSha256"));
        assertEquals(reference.getJsonObject("counts"), manifest.getJsonObject("counts"));
        assertEquals(INGEST_RECORDS, manifest.getJsonObject("counts").getInt("read"));
    }

    /**
     * Two epochs, so that the kill comes after the first epoch's validation and best weights, which the resumed run
     * needs: 18 updates, a checkpoint every 3 (the first epoch ends with the checkpoint after update 9).
     */
    private static final Map<String, String> TRAIN = with(MECHANICS, "train.epochs", "2",
            "checkpoint.every.steps", "3");
    /** Score records: partition 0 (300 records) is still scoring when the server is killed after 150. */
    private static final int SCORE_RECORDS = 600;

    @Test
    void killedTrainingAndScoringRestartToTheUninterruptedResults() throws Exception {
        startServer();
        String data = unique("kill-data");
        prepare(data);

        // Training: an uninterrupted reference, polled every 100 ms as a busy console would, then a run killed in
        // its second epoch (the last checkpoint at or after the first epoch's end).
        String referenceModel = unique("kill-reference");
        String killedModel = unique("kill-train");
        JsonObject reference = train(with(TRAIN, "dataset.name", data, "model.name", referenceModel));
        long first = startJob("fine-tune", with(TRAIN, "dataset.name", data, "model.name", killedModel))
                .getJsonNumber("executionId").longValue();
        awaitTrainingSteps(first, 12);
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
        assertTrue(committed >= 9 && committed < 18, "killed after the first epoch: " + committed + " steps");
        long second = restart(first, Map.of()).getJsonNumber("executionId").longValue();
        JsonObject done = awaitEnd(second, Duration.ofMinutes(10));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        assertEquals(18 - committed, metric(step(done, "train"), "readCount"),
                "the restart made only the updates after the last checkpoint");
        JsonObject resumed = get("/api/models/" + killedModel + "/versions/1").object();
        assertEquals(reference.getString("weightsSha256"), resumed.getString("weightsSha256"),
                "the resumed run ends with the uninterrupted run's weights");

        // SIGTERM while it trains: the server suspends, the job stops at its next checkpoint and ends STOPPED (not
        // crashed) with what it did committed; a restart from there is the restart of any stopped execution.
        String terminatedModel = unique("term-train");
        long terminated = startJob("fine-tune", with(TRAIN, "dataset.name", data, "model.name", terminatedModel))
                .getJsonNumber("executionId").longValue();
        awaitTrainingSteps(terminated, 4);
        terminateServer();
        controller.start(CONTAINER);
        JsonObject graceful = get("/api/executions/" + terminated).object();
        assertEquals("STOPPED", graceful.getString("batchStatus"), graceful::toString);
        assertEquals("STOPPED", step(graceful, "train").getString("batchStatus"), graceful::toString);
        assertTrue(step(graceful, "train").getJsonObject("progress").getInt("done") >= 4,
                "the updates made before the stop are committed: " + graceful);
        assertTrue(events("job-execution:" + terminated).stream()
                .noneMatch(e -> e.getString("action").equals("job.recovered")), "a graceful stop is no crash");
        assertTrue(get("/api/audit/verify").object().getBoolean("valid"));

        // Scoring: an uninterrupted reference, then a run killed part-way.
        Path input = writeInput("kill-score", SCORE_RECORDS, (round, m) -> Json.createObjectBuilder()
                .add("id", round + "/" + m.getString("id")).add("text", m.getString("text")).build());
        Map<String, String> score = Map.of("model.name", referenceModel, "model.version", "1",
                "input.path", input.getFileName().toString(), "score.batch.size", "16", "score.partitions", "2");
        JsonObject scored = awaitEnd(startJob("score", with(score, "output.path", referenceModel + ".jsonl"))
                .getJsonNumber("executionId").longValue(), Duration.ofMinutes(10));
        assertEquals("COMPLETED", scored.getString("batchStatus"), scored::toString);
        Path referenceOutput = storeHome().resolve("outbox").resolve(referenceModel + ".jsonl");

        JsonObject launched = startJob("score", with(score, "output.path", killedModel + ".jsonl"));
        long scoring = launched.getJsonNumber("executionId").longValue();
        awaitPartLines(launched.getJsonNumber("instanceId").longValue(), 150);
        killServer();
        controller.start(CONTAINER);
        Path output = storeHome().resolve("outbox").resolve(killedModel + ".jsonl");
        assertTrue(Files.notExists(output), "no output before the merge");
        JsonObject rescored = awaitEnd(restart(scoring, Map.of()).getJsonNumber("executionId").longValue(),
                Duration.ofMinutes(10));
        assertEquals("COMPLETED", rescored.getString("batchStatus"), rescored::toString);
        List<JsonObject> lines = readJsonl(output);
        assertEquals(SCORE_RECORDS, lines.size());
        assertEquals(SCORE_RECORDS, lines.stream().map(l -> l.getString("id")).distinct().count());
        assertEquals(sha256(referenceOutput), sha256(output),
                "the restarted run's predictions equal the uninterrupted run's, byte for byte");

        killedCrossValidationRerunsOnlyItsUnfinishedFolds(data);
        killedLoraTrainingResumesToTheSameAdapters(data);
    }

    /**
     * LoRA (3 epochs of 9 updates, a checkpoint every 3), killed in its second epoch: the restart ends with the
     * uninterrupted run's adapters, byte for byte (the same SHA-256 of adapter_model.safetensors), and the artifact
     * holds the adapters, not the encoder.
     */
    private void killedLoraTrainingResumesToTheSameAdapters(String data) throws Exception {
        Map<String, String> lora = with(TRAIN, "dataset.name", data, "train.mode", "lora", "train.epochs", "3",
                "train.learning.rate", "1e-3", "lora.rank", "4");
        String referenceModel = unique("lora-reference");
        JsonObject reference = train(with(lora, "model.name", referenceModel));
        JsonObject resumed = killInSecondEpochAndResume(with(lora, "model.name", unique("lora-killed")), 9, 27);
        assertEquals(reference.getString("weightsSha256"), resumed.getString("weightsSha256"),
                "the resumed LoRA run ends with the uninterrupted run's adapters");
        Path artifact = Path.of(resumed.getJsonObject("artifact").getString("path"));
        assertEquals(sha256(artifact.resolve("adapter_model.safetensors")), resumed.getString("weightsSha256"));
        assertTrue(Files.notExists(artifact.resolve("model.safetensors")), "adapters only");
        assertTrue(get("/api/audit/verify").object().getBoolean("valid"));
    }

    /**
     * Starts a fine-tune of {@code params}, kills the server once its train step has done {@code epoch} + 4 updates,
     * starts the server, checks that the last checkpoint lies in [{@code epoch}, {@code total}) (the second epoch or
     * later), restarts the execution to its end and answers the registered version.
     */
    private JsonObject killInSecondEpochAndResume(Map<String, String> params, int epoch, int total) throws Exception {
        long first = startJob("fine-tune", params).getJsonNumber("executionId").longValue();
        awaitTrainingSteps(first, epoch + 4);
        killServer();
        controller.start(CONTAINER);
        JsonObject stale = get("/api/executions/" + first).object();
        assertEquals("FAILED", stale.getString("batchStatus"), stale::toString);
        int committed = step(stale, "train").getJsonObject("progress").getInt("done");
        assertTrue(committed >= epoch && committed < total, "killed in the second epoch or later: " + committed);
        JsonObject done = awaitEnd(restart(first, Map.of()).getJsonNumber("executionId").longValue(),
                Duration.ofMinutes(10));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        return get("/api/models/" + params.get("model.name") + "/versions/1").object();
    }

    /**
     * A 3-fold cross-validation, one fold at a time (6 updates each, a checkpoint every 2), killed while the second
     * fold to run trains: the restart does not train the finished fold again, resumes the killed one from its own
     * last checkpoint, runs the third, and ends with the per-fold figures of an uninterrupted run.
     */
    private void killedCrossValidationRerunsOnlyItsUnfinishedFolds(String data) throws Exception {
        Map<String, String> cv = with(MECHANICS, "dataset.name", data, "folds", "3");
        JsonObject reference = awaitEnd(startJob("cross-validate", cv).getJsonNumber("executionId").longValue(),
                Duration.ofMinutes(10));
        assertEquals("COMPLETED", reference.getString("batchStatus"), reference::toString);

        JsonObject launched = startJob("cross-validate", cv);
        long first = launched.getJsonNumber("executionId").longValue();
        Path units = storeHome().resolve("runs").resolve(launched.getJsonNumber("instanceId").toString())
                .resolve("units");
        // One fold trains at a time; which one comes first is up to the batch runtime's threads. Kill when one fold
        // has finished and the next has committed its first checkpoint (its second state file exists only then).
        List<String> folds = List.of("fold-0", "fold-1", "fold-2");
        String finished;
        String killedFold;
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            List<String> done = folds.stream().filter(f -> Files.exists(units.resolve(f).resolve("result.json")))
                    .toList();
            List<String> running = folds.stream().filter(f -> !done.contains(f)
                    && Files.exists(units.resolve(f).resolve("train").resolve("state-4.safetensors"))).toList();
            assertTrue(done.size() < 2, "two folds ended before the kill: " + done);
            if (done.size() == 1 && running.size() == 1) {
                finished = done.get(0);
                killedFold = running.get(0);
                break;
            }
            assertTrue(System.nanoTime() < deadline, "the second fold did not reach its second checkpoint");
            Thread.sleep(20);
        }
        killServer();
        controller.start(CONTAINER);
        String killed = killedFold;
        String ended = finished;
        String third = folds.stream().filter(f -> !f.equals(killed) && !f.equals(ended)).findFirst().orElseThrow();
        List<JsonObject> before = checkpoints(first);
        int committed = before.stream().filter(e -> e.getString("unit").equals(killed))
                .mapToInt(e -> e.getInt("steps")).max().orElseThrow();
        assertTrue(committed >= 2 && committed < 6, "killed inside the second fold: " + committed + " of 6 steps");
        assertTrue(before.stream().noneMatch(e -> e.getString("unit").equals(third)), "the third fold had not started");

        long second = restart(first, Map.of()).getJsonNumber("executionId").longValue();
        JsonObject done = awaitEnd(second, Duration.ofMinutes(10));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        List<JsonObject> after = checkpoints(second);
        assertTrue(after.stream().noneMatch(e -> e.getString("unit").equals(ended)),
                "the finished fold was not trained again: " + after);
        assertEquals(committed + 2, after.stream().filter(e -> e.getString("unit").equals(killed))
                .mapToInt(e -> e.getInt("steps")).min().orElseThrow(), "the killed fold resumed after its last checkpoint");
        assertEquals(3, after.stream().filter(e -> e.getString("unit").equals(third)).count());
        assertEquals(reference.getJsonObject("result").getJsonArray("perFold"),
                done.getJsonObject("result").getJsonArray("perFold"),
                "the per-fold figures equal the uninterrupted run's");
        assertEquals(reference.getJsonObject("result").getJsonObject("mean"),
                done.getJsonObject("result").getJsonObject("mean"));
    }

    /** The training checkpoints the ledger recorded for one execution, with the unit each belongs to. */
    private static List<JsonObject> checkpoints(long executionId) throws Exception {
        return events("job-execution:" + executionId).stream()
                .filter(e -> e.getString("action").equals("training.checkpoint"))
                .map(e -> e.getJsonObject("details")).toList();
    }

    /** Retrieval training on the bundled pairs: one epoch of 16-token pairs (10 updates), a checkpoint every 2. */
    /**
     * Generative fine-tuning of the bundled tiny random decoder (samples/models/tiny-random-qwen2, given relative to a
     * data root) on the bundled command questions (a mechanics demonstration): the dataset holds prompt-response
     * pairs; parameters that do not fit a decoder are refused before any work; LoRA (3 epochs of 39 updates, a
     * checkpoint every 5) makes the base model's answers, which score nothing, into answers in the trained form; the
     * registry and the ledger record the brought weights' SHA-256; a run killed in its second epoch or later resumes to
     * the uninterrupted run's adapters, byte for byte.
     */
    @Test
    void killedGenerationFineTuneResumesToTheSameAdapters() throws Exception {
        startServer();
        String data = unique("gen-data");
        JsonObject manifest = prepareAndRead(Map.of("dataset.name", data, "task", "generation",
                "input.path", "manpages-commands-en.jsonl"));
        assertEquals("generation", manifest.getString("task"), manifest::toString);
        assertEquals("prompt.field", firstErrorParameter(post("/api/jobs/prepare-dataset/executions", parameters(
                Map.of("dataset.name", data, "input.path", SAMPLE, "prompt.field", "question")))),
                "prompt.field applies to task=generation only");
        JsonObject first = datasetRecords(data, "latest").get(0);
        assertTrue(first.getString("prompt").startsWith("Which command would you use to "), first::toString);
        assertTrue(first.getString("response").contains("(from "), first::toString);
        // The same questions as conversations (messages.field): the package is asked for in a second turn.
        String chats = unique("gen-chats");
        Map<String, String> chat = Map.of("dataset.name", chats, "task", "generation", "input.path",
                "manpages-chat-en.jsonl", "messages.field", "messages");
        assertEquals("prompt.field", firstErrorParameter(post("/api/jobs/prepare-dataset/executions", parameters(
                with(chat, "prompt.field", "question")))), "a conversation holds its own prompt");
        assertEquals("messages.field", firstErrorParameter(post("/api/jobs/prepare-dataset/executions", parameters(
                Map.of("dataset.name", chats, "input.path", SAMPLE, "messages.field", "messages")))));
        JsonObject chatCounts = prepareAndRead(chat).getJsonObject("counts");
        assertEquals(0, chatCounts.getInt("quarantined"), chatCounts::toString);
        assertTrue(chatCounts.getInt("records") > 350, chatCounts::toString);
        JsonObject talk = datasetRecords(chats, "latest").get(0);
        assertEquals(List.of("system", "user", "assistant", "user"), talk.getJsonArray("messages").stream()
                .map(m -> m.asJsonObject().getString("role")).toList(), talk::toString);
        assertTrue(talk.getString("prompt").startsWith("system: You name Debian commands"), talk::toString);
        assertFalse(talk.getString("response").isBlank(), talk::toString);

        Map<String, String> gen = Map.of("dataset.name", data, "base.model", "models/tiny-random-qwen2",
                "train.mode", "lora", "lora.targets", "query,value,o_proj", "train.epochs", "3",
                "train.learning.rate", "2e-2", "train.warmup.ratio", "0", "train.max.length", "160",
                "generation.max.new.tokens", "24", "checkpoint.every.steps", "5");
        Path brought = Path.of(System.getProperty("jboss.home"), "samples", "models", "tiny-random-qwen2");
        assertEquals("base.model", firstErrorParameter(post("/api/jobs/fine-tune/executions", parameters(with(gen,
                "base.model", "all-minilm-l6-v2", "model.name", "refused")))));
        assertEquals("train.mode", firstErrorParameter(post("/api/jobs/fine-tune/executions", parameters(with(gen,
                "train.mode", "head", "model.name", "refused")))));
        assertEquals("lora.targets", firstErrorParameter(post("/api/jobs/fine-tune/executions", parameters(with(gen,
                "lora.targets", "dense", "model.name", "refused")))));
        assertEquals("gate.min.macro.f1", firstErrorParameter(post("/api/jobs/fine-tune/executions", parameters(
                with(gen, "gate.min.macro.f1", "0.5", "model.name", "refused")))));

        String referenceModel = unique("gen-reference");
        JsonObject reference = train(with(gen, "model.name", referenceModel));
        assertEquals("generation", reference.getString("task"));
        assertEquals(brought.toRealPath().toString(), reference.getJsonObject("lineage").getString("baseModel"));
        assertEquals(sha256(brought.resolve("model.safetensors")), reference.getJsonObject("lineage")
                .getString("baseModelSha256"), "the brought weights' SHA-256 is recorded");
        JsonObject evaluation = reference.getJsonObject("evaluation");
        double before = evaluation.getJsonObject("baseline").getJsonObject("test").getJsonNumber("tokenF1")
                .doubleValue();
        double after = evaluation.getJsonObject("test").getJsonNumber("tokenF1").doubleValue();
        assertTrue(after > before + 0.1, "test token F1 " + before + " -> " + after);
        Path artifact = Path.of(reference.getJsonObject("artifact").getString("path"));
        assertEquals(sha256(artifact.resolve("adapter_model.safetensors")), reference.getString("weightsSha256"));
        assertTrue(Files.isRegularFile(artifact.resolve("merged/model.safetensors")), "the merged model");
        JsonObject registered = events("model:" + referenceModel + " v1").stream()
                .filter(e -> e.getString("action").equals("model.registered")).findFirst().orElseThrow();
        assertEquals(sha256(brought.resolve("model.safetensors")), registered.getJsonObject("details")
                .getString("baseModelSha256"), "the ledger records the brought weights' SHA-256");
        String page = as("auditor", () -> new String(download("/api/reports/models/" + referenceModel
                + "/versions/1", "text/html").body(), StandardCharsets.UTF_8));
        assertTrue(page.contains("Sample answers on the test split"), "the report shows answers");

        JsonObject resumed = killInSecondEpochAndResume(with(gen, "model.name", unique("gen-killed")), 39, 117);
        assertEquals(reference.getString("weightsSha256"), resumed.getString("weightsSha256"),
                "the resumed generation run ends with the uninterrupted run's adapters");
        assertTrue(get("/api/audit/verify").object().getBoolean("valid"));
    }

    private static final Map<String, String> TRAIN_QA = Map.of("train.epochs", "1", "train.max.length", "16",
            "train.batch.size", "32", "train.learning.rate", "1e-4", "checkpoint.every.steps", "2");
    /** Copies of the sample's documents in the corpus: enough for partition 0 to be embedding at the kill. */
    private static final int CORPUS_COPIES = 6;

    @Test
    void killedRetrievalTrainingAndCorpusEmbeddingRestartToTheUninterruptedResults() throws Exception {
        startServer();
        String data = unique("kill-qa");
        JsonObject prepared = awaitEnd(startJob("prepare-dataset", Map.of("dataset.name", data, "task", "retrieval",
                "input.path", "manpages-qa-en.jsonl", "positive.id.field", "doc")).getJsonNumber("executionId")
                .longValue(), Duration.ofMinutes(5));
        assertEquals("COMPLETED", prepared.getString("batchStatus"), prepared::toString);

        // Training: an uninterrupted reference, then a run killed after a few checkpoints.
        String referenceModel = unique("kill-qa-reference");
        String killedModel = unique("kill-qa-train");
        JsonObject reference = train(with(TRAIN_QA, "dataset.name", data, "model.name", referenceModel));
        JsonObject referenceRun = get("/api/executions/" + reference.getJsonNumber("jobExecutionId")).object();
        int total = step(referenceRun, "train").getJsonObject("progress").getInt("total");
        long first = startJob("fine-tune", with(TRAIN_QA, "dataset.name", data, "model.name", killedModel))
                .getJsonNumber("executionId").longValue();
        awaitTrainingSteps(first, 5);
        killServer();
        controller.start(CONTAINER);
        JsonObject stale = get("/api/executions/" + first).object();
        int committed = step(stale, "train").getJsonObject("progress").getInt("done");
        assertTrue(committed >= 4 && committed < total, "killed after two checkpoints, before the end: " + committed
                + " of " + total + " steps");
        JsonObject done = awaitEnd(restart(first, Map.of()).getJsonNumber("executionId").longValue(),
                Duration.ofMinutes(10));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        assertEquals(total - committed, metric(step(done, "train"), "readCount"),
                "the restart made only the updates after the last checkpoint");
        assertEquals(reference.getString("weightsSha256"), get("/api/models/" + killedModel + "/versions/1")
                .object().getString("weightsSha256"), "the resumed run ends with the uninterrupted run's weights");

        // Corpus embedding: an uninterrupted reference index, removed, then the same corpus embedded again and killed.
        Path inbox = storeHome().resolve("inbox");
        Files.createDirectories(inbox);
        Path corpus = inbox.resolve(data + "-corpus.jsonl");
        List<JsonObject> documents = readJsonl(storeHome().resolve("datasets").resolve(data).resolve("v1")
                .resolve("documents.jsonl"));
        try (BufferedWriter w = Files.newBufferedWriter(corpus, StandardCharsets.UTF_8)) {
            for (int copy = 0; copy < CORPUS_COPIES; copy++) {
                for (JsonObject d : documents) {
                    w.write(Json.createObjectBuilder().add("id", copy + "/" + d.getString("id"))
                            .add("text", d.getString("text")).build() + "\n");
                }
            }
        }
        Path queries = inbox.resolve(data + "-queries.jsonl");
        Files.writeString(queries, "{\"id\":\"q1\",\"text\":\"copy files and directories\"}\n"
                + "{\"id\":\"q2\",\"text\":\"compress a file\"}\n");
        Map<String, String> search = Map.of("model.name", referenceModel, "corpus.path", corpus.toString(),
                "queries.path", queries.toString(), "search.batch.size", "4", "search.partitions", "2");
        JsonObject searched = awaitEnd(startJob("search", with(search, "output.path", data + "-reference.jsonl"))
                .getJsonNumber("executionId").longValue(), Duration.ofMinutes(10));
        assertEquals("COMPLETED", searched.getString("batchStatus"), searched::toString);
        Path indexes = storeHome().resolve("indexes").resolve(referenceModel + "-v1");
        Path index;
        try (var files = Files.list(indexes)) {
            index = files.filter(f -> f.toString().endsWith(".tlembed")).findFirst().orElseThrow();
        }
        String referenceIndex = sha256(index);
        Files.delete(index);
        Files.delete(index.resolveSibling(index.getFileName() + ".json"));

        JsonObject launched = startJob("search", with(search, "output.path", data + "-killed.jsonl"));
        long searching = launched.getJsonNumber("executionId").longValue();
        Path part = storeHome().resolve("runs").resolve(launched.getJsonNumber("instanceId").toString())
                .resolve("score").resolve("embed-part-0.jsonl");
        awaitLines(part, 200, documents.size() * CORPUS_COPIES / 2);
        killServer();
        controller.start(CONTAINER);
        assertTrue(Files.notExists(index), "no index before the embedding is complete");
        JsonObject resumed = awaitEnd(restart(searching, Map.of()).getJsonNumber("executionId").longValue(),
                Duration.ofMinutes(10));
        assertEquals("COMPLETED", resumed.getString("batchStatus"), resumed::toString);
        assertEquals(referenceIndex, sha256(index),
                "the restarted embedding's index equals the uninterrupted run's, byte for byte");
        assertEquals(sha256(storeHome().resolve("outbox").resolve(data + "-reference.jsonl")),
                sha256(storeHome().resolve("outbox").resolve(data + "-killed.jsonl")));
    }

    /** Waits until {@code file} has at least {@code lines} lines, failing when it reached {@code all} first. */
    private static void awaitLines(Path file, int lines, int all) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                long n;
                try (var s = Files.lines(file)) {
                    n = s.count();
                }
                assertTrue(n < all, file + " was complete before the kill: make the input bigger");
                if (n >= lines) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError(file + " did not reach " + lines + " lines");
    }

    private static JsonObject prepareAndRead(Map<String, String> params) throws Exception {
        JsonObject launched = startJob("prepare-dataset", params);
        JsonObject done = awaitEnd(launched.getJsonNumber("executionId").longValue(), Duration.ofMinutes(5));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        return manifest(params.get("dataset.name"), "latest");
    }

    /** An uninterrupted fine-tune, polled every 100 ms; returns its registered version. */
    private static JsonObject train(Map<String, String> params) throws Exception {
        long id = startJob("fine-tune", params).getJsonNumber("executionId").longValue();
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        JsonObject e;
        do {
            Thread.sleep(100);
            e = get("/api/executions/" + id).object();
        } while (!Set.of("COMPLETED", "FAILED", "STOPPED").contains(e.getString("batchStatus"))
                && System.nanoTime() < deadline);
        assertEquals("COMPLETED", e.getString("batchStatus"), e.toString());
        return get("/api/models/" + params.get("model.name") + "/versions/1").object();
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
                assertTrue(read < INGEST_RECORDS, "ingest finished before the kill: make the input bigger");
                if (read >= records) {
                    return read;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("ingest of execution " + executionId + " did not reach " + records + " records");
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
}
