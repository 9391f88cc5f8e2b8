package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Model selection through the REST API: a 3-fold cross-validation of the bundled sample with its folds, mean and
 * standard deviation (in the execution, the ledger and the report); a 4-trial grid search with successive halving that
 * names its best trial, and a pipeline trained with that trial's configuration whose model records the study; 400s before anything starts.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class StudyIT extends AbstractIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    @Test
    void threeFoldCrossValidationReportsEachFoldWithMeanAndDeviation() throws Exception {
        String dataset = sampleDataset();
        long id = startJob("cross-validate", with(MECHANICS, "dataset.name", dataset, "folds", "3"))
                .getJsonNumber("executionId").longValue();
        JsonObject done = awaitEnd(id, Duration.ofMinutes(10));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);

        JsonObject result = done.getJsonObject("result");
        assertEquals("cross-validation", result.getString("kind"));
        assertEquals("macroF1", result.getString("primary"));
        List<JsonObject> folds = result.getJsonArray("perFold").stream().map(JsonValue::asJsonObject).toList();
        assertEquals(3, folds.size());
        JsonObject counts = manifest(dataset, "1").getJsonObject("splits");
        long pool = counts.getJsonObject("train").getJsonNumber("records").longValue()
                + counts.getJsonObject("validation").getJsonNumber("records").longValue();
        assertEquals(pool, folds.stream().mapToLong(f -> f.getInt("examples")).sum(),
                "every train and validation record is held out once; the test split is not used");
        double[] f1 = new double[3];
        for (int i = 0; i < 3; i++) {
            assertEquals(i, folds.get(i).getInt("fold"));
            assertTrue(folds.get(i).getInt("examples") >= pool / 3 - 1, folds.get(i)::toString);
            f1[i] = folds.get(i).getJsonObject("figures").getJsonNumber("macroF1").doubleValue();
            assertTrue(f1[i] > 0.6, "each fold learned something: " + folds.get(i));
        }
        double mean = (f1[0] + f1[1] + f1[2]) / 3;
        double std = Math.sqrt(((f1[0] - mean) * (f1[0] - mean) + (f1[1] - mean) * (f1[1] - mean)
                + (f1[2] - mean) * (f1[2] - mean)) / 2);
        assertEquals(mean, result.getJsonObject("mean").getJsonNumber("macroF1").doubleValue(), 1e-12);
        assertEquals(std, result.getJsonObject("std").getJsonNumber("macroF1").doubleValue(), 1e-12);
        assertTrue(std > 0, "three different folds give three different figures");

        JsonObject recorded = events("job-execution:" + id).stream()
                .filter(e -> e.getString("action").equals("study.completed")).findFirst().orElseThrow();
        JsonObject details = recorded.getJsonObject("details");
        assertEquals(mean, details.getJsonNumber("mean").doubleValue(), 1e-12);
        assertEquals(3, details.getJsonArray("perFold").size());
        assertEquals(sha256(storeHome().resolve("runs").resolve(Long.toString(done.getJsonNumber("instanceId")
                .longValue())).resolve("study-result.json")), details.getString("resultSha256"));
        Download html = as("auditor", () -> download("/api/reports/executions/" + id, "text/html"));
        assertEquals(200, html.status(), html::text);
        assertTrue(html.text().contains("Cross-validation") && html.text().contains("Figures per fold")
                && html.text().contains(String.format(java.util.Locale.ROOT, "%.3f", mean)), "the report's section");
    }

    /**
     * Retrieval through the same seam: folds grouped by answer document (no document is both trained on and held
     * out), each fold scored by MRR@10 on its held-out queries against all the version's documents.
     */
    @Test
    void retrievalFoldsKeepEachAnswerDocumentInOneFold() throws Exception {
        String dataset = unique("qa-cv");
        JsonObject prepared = awaitEnd(startJob("prepare-dataset", Map.of("dataset.name", dataset, "task",
                "retrieval", "input.path", "manpages-qa-en.jsonl", "positive.id.field", "doc"))
                .getJsonNumber("executionId").longValue(), Duration.ofMinutes(5));
        assertEquals("COMPLETED", prepared.getString("batchStatus"), prepared::toString);
        JsonObject launched = startJob("cross-validate", Map.of("dataset.name", dataset, "folds", "2",
                "train.epochs", "1", "train.max.length", "16", "train.batch.size", "32", "train.learning.rate",
                "1e-4", "checkpoint.every.steps", "4"));
        JsonObject done = awaitEnd(launched.getJsonNumber("executionId").longValue(), Duration.ofMinutes(10));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        JsonObject result = done.getJsonObject("result");
        assertEquals("mrr@10", result.getString("primary"), result::toString);
        assertEquals(2, result.getJsonArray("perFold").size());
        Path folds = storeHome().resolve("runs").resolve(launched.getJsonNumber("instanceId").toString())
                .resolve("folds");
        java.util.Set<String> heldOut0 = docs(folds.resolve("fold-0").resolve("test.jsonl"));
        java.util.Set<String> heldOut1 = docs(folds.resolve("fold-1").resolve("test.jsonl"));
        assertTrue(heldOut0.stream().noneMatch(heldOut1::contains), "an answer document is in one fold only");
        assertTrue(docs(folds.resolve("fold-0").resolve("train.jsonl")).stream().noneMatch(heldOut0::contains),
                "no held-out answer is trained on");
        assertTrue(Files.exists(folds.resolve("fold-0").resolve("documents.jsonl")), "each fold ranks all documents");
        for (JsonValue v : result.getJsonArray("perFold")) {
            double mrr = v.asJsonObject().getJsonObject("figures").getJsonNumber(result.getString("primary"))
                    .doubleValue();
            assertTrue(mrr > 0.3, "each fold ranks answers far above chance: " + v);
        }
    }

    private static java.util.Set<String> docs(Path file) throws Exception {
        return readJsonl(file).stream().map(o -> o.getString("doc")).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void fourTrialSearchNamesTheBestAndAPipelineTrainsWithItsConfiguration() throws Exception {
        String dataset = sampleDataset();
        Map<String, String> search = with(MECHANICS, "dataset.name", dataset, "search.method", "grid",
                "search.space", "{\"train.learning.rate\": [3e-5, 3e-4], \"train.batch.size\": [32, 64]}",
                "train.epochs", "2", "search.halving", "true");
        search.remove("train.learning.rate");
        search.remove("train.batch.size");
        assertEquals("search.space", firstErrorParameter(post("/api/jobs/tune/executions", parameters(with(search,
                "search.space", "{\"train.learning.rate\": {\"min\": 1e-5, \"max\": 1e-4}}")))),
                "a grid needs lists");
        assertEquals("train.learning.rate", firstErrorParameter(post("/api/jobs/tune/executions",
                parameters(with(search, "train.learning.rate", "2e-4")))), "a searched parameter is not also given");
        long id = startJob("tune", search).getJsonNumber("executionId").longValue();
        JsonObject done = awaitEnd(id, Duration.ofMinutes(15));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);

        JsonObject result = done.getJsonObject("result");
        List<JsonObject> trials = result.getJsonArray("trials").stream().map(JsonValue::asJsonObject).toList();
        assertEquals(4, trials.size());
        assertEquals("validation", result.getString("split"));
        // Successive halving: every trial trained its first epoch; the best third (2 of 4) went on to the second
        // from where they stopped, and only those can be the best.
        List<JsonObject> kept = trials.stream().filter(t -> !t.getBoolean("halted")).toList();
        assertEquals(2, kept.size(), result::toString);
        for (JsonObject t : trials) {
            int perEpoch = (545 + Integer.parseInt(t.getJsonObject("parameters").getString("train.batch.size")) - 1)
                    / Integer.parseInt(t.getJsonObject("parameters").getString("train.batch.size"));
            assertEquals((t.getBoolean("halted") ? 1 : 2) * perEpoch, t.getJsonArray("units").getJsonObject(0)
                    .getInt("steps"), "halted trials trained one epoch of 545 records, the others two: " + t);
        }
        int best = kept.get(0).getInt("trial");
        for (JsonObject t : kept) {
            if (f1(t) > f1(trials.get(best))) {
                best = t.getInt("trial");
            }
        }
        assertEquals(best, result.getJsonObject("best").getInt("trial"));
        List<JsonObject> checkpoints = events("job-execution:" + id).stream()
                .filter(e -> e.getString("action").equals("training.checkpoint")).map(e -> e.getJsonObject("details"))
                .toList();
        for (JsonObject t : kept) {
            String id0 = t.getJsonArray("units").getJsonObject(0).getString("unit");
            int firstRung = checkpoints.stream().filter(c -> c.getString("unit").equals(id0)
                    && c.getString("step").equals("train")).mapToInt(c -> c.getInt("steps")).max().orElseThrow();
            int resumedAt = checkpoints.stream().filter(c -> c.getString("unit").equals(id0)
                    && c.getString("step").equals("train-more")).mapToInt(c -> c.getInt("steps")).min().orElseThrow();
            assertTrue(resumedAt > firstRung, id0 + " went on from its first rung's state, not from the start");
        }
        assertTrue(trials.stream().map(t -> t.getJsonObject("parameters")).distinct().count() == 4);
        JsonObject chosen = result.getJsonObject("best").getJsonObject("parameters");

        // A cross-validate execution is no tune study; a given value that the study set is refused.
        String model = unique("tuned");
        Map<String, String> pipeline = with(Map.of(), "dataset.name", unique("tuned-data"), "input.path", SAMPLE,
                "model.name", model, "training.config", "tune:" + id);
        assertEquals("train.learning.rate", firstErrorParameter(post("/api/jobs/pipeline/executions",
                parameters(with(pipeline, "train.learning.rate", "1e-5")))));
        assertEquals("training.config", firstErrorParameter(post("/api/jobs/pipeline/executions",
                parameters(with(pipeline, "training.config", "tune:999999")))));

        JsonObject trained = awaitEnd(startJob("pipeline", pipeline).getJsonNumber("executionId").longValue(),
                Duration.ofMinutes(10));
        assertEquals("COMPLETED", trained.getString("batchStatus"), trained::toString);
        JsonObject launched = trained.getJsonObject("parameters");
        assertEquals(chosen.getString("train.learning.rate"), launched.getString("train.learning.rate"));
        assertEquals(chosen.getString("train.batch.size"), launched.getString("train.batch.size"));
        assertEquals("8", launched.getString("train.max.length"), "the study's other settings come along");
        assertEquals("2", launched.getString("train.epochs"));
        JsonObject version = get("/api/models/" + model + "/versions/1").object();
        assertEquals("tune:" + id, version.getJsonObject("parameters").getString("training.config"));
        Path provenance = Path.of(version.getJsonObject("artifact").getString("path")).resolve("provenance.json");
        JsonObject origin = jakarta.json.Json.createReader(new java.io.StringReader(Files.readString(provenance)))
                .readObject().getJsonObject("configuration");
        assertEquals("tune:" + id, origin.getString("study"), "the model's provenance names the study");
        assertEquals(best, origin.getInt("bestTrial"));
        assertEquals(chosen, origin.getJsonObject("parameters"));
        Download html = as("auditor", () -> download("/api/reports/models/" + model + "/versions/1", "text/html"));
        assertTrue(html.text().contains("best trial " + best + " of the tune job " + id), "the report names the study");
    }

    private static double f1(JsonObject trial) {
        return ((JsonNumber) trial.getJsonObject("mean").get("macroF1")).doubleValue();
    }
}
