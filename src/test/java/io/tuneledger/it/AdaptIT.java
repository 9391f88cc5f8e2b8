package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Domain adaptation through the REST API: the bundled e-mails prepared as a corpus of unlabelled texts (cleaned,
 * redacted, de-duplicated, split, hashed like any dataset), adapted with the masked-language-model objective into a
 * registered {@code BertForMaskedLM} model that beats its frozen-encoder baseline on the corpus's held-out texts, and a
 * classifier fine-tuned from it whose provenance and report name the adaptation run and the corpus's hash; 400s
 * before anything starts when a job is given the other kind of data.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AdaptIT extends AbstractIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    @Test
    void anAdaptedModelIsRegisteredAndFineTunedFrom() throws Exception {
        String corpus = unique("corpus");
        JsonObject prepared = awaitEnd(startJob("prepare-dataset", Map.of("dataset.name", corpus, "task",
                "adaptation", "input.path", SAMPLE, "split", "0.3,0.1,0.6")).getJsonNumber("executionId").longValue(),
                Duration.ofMinutes(5));
        assertEquals("COMPLETED", prepared.getString("batchStatus"), prepared::toString);
        JsonObject dataset = manifest(corpus, "1");
        String corpusSha = dataset.getString("contentSha256");
        var texts = datasetRecords(corpus, "1");
        assertEquals(dataset.getJsonObject("counts").getInt("records"), texts.size());
        assertTrue(texts.stream().noneMatch(o -> o.containsKey("label")), "a corpus holds texts without labels");
        assertTrue(texts.stream().noneMatch(o -> o.getString("text").contains("@spamassassin.taint.org")),
                "e-mail addresses are redacted as in any dataset");

        String adapted = unique("adapted");
        JsonObject launched = startJob("adapt", Map.of("dataset.name", corpus, "model.name", adapted,
                "train.epochs", "1", "train.max.length", "32", "train.batch.size", "16", "train.learning.rate",
                "2e-4", "checkpoint.every.steps", "4"));
        long adaptId = launched.getJsonNumber("executionId").longValue();
        JsonObject done = awaitEnd(adaptId, Duration.ofMinutes(15));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        JsonObject version = get("/api/models/" + adapted + "/versions/1").object();
        Path artifact = Path.of(version.getJsonObject("artifact").getString("path"));
        JsonObject config = read(artifact.resolve("config.json"));
        assertEquals("BertForMaskedLM", config.getJsonArray("architectures").getString(0));
        JsonObject provenance = read(artifact.resolve("provenance.json"));
        assertEquals("adaptation", provenance.getString("task"));
        assertEquals(corpusSha, provenance.getJsonObject("dataset").getString("contentSha256"));
        JsonObject evaluation = provenance.getJsonObject("evaluation");
        double adaptedAccuracy = evaluation.getJsonObject("test").getJsonNumber("maskedAccuracy").doubleValue();
        double frozenAccuracy = evaluation.getJsonObject("baseline").getJsonObject("test")
                .getJsonNumber("maskedAccuracy").doubleValue();
        assertTrue(adaptedAccuracy > frozenAccuracy, "the adapted encoder predicts the held-out hidden tokens better"
                + " than the frozen one with the same head training: " + evaluation);

        String model = unique("from-adapted");
        JsonObject trained = awaitEnd(startJob("fine-tune", with(MECHANICS, "dataset.name", sampleDataset(),
                "model.name", model, "base.model", adapted + ":1")).getJsonNumber("executionId").longValue(),
                Duration.ofMinutes(10));
        assertEquals("COMPLETED", trained.getString("batchStatus"), trained::toString);
        JsonObject classifier = get("/api/models/" + model + "/versions/1").object();
        JsonObject origin = read(Path.of(classifier.getJsonObject("artifact").getString("path"))
                .resolve("provenance.json")).getJsonObject("baseModelOrigin");
        assertEquals(adapted + " v1", origin.getString("model"), origin::toString);
        assertEquals("adaptation", origin.getString("task"));
        assertEquals(adaptId, origin.getJsonObject("job").getJsonNumber("executionId").longValue(),
                "the provenance names the adaptation run");
        assertEquals(corpusSha, origin.getJsonObject("dataset").getString("contentSha256"),
                "and the corpus's hash");
        Download html = as("auditor", () -> download("/api/reports/models/" + model + "/versions/1", "text/html"));
        assertTrue(html.text().contains("made by the adapt job (execution " + adaptId + ")")
                && html.text().contains(corpusSha), "the report names the adaptation and the corpus");
        Download card = as("auditor", () -> download("/api/reports/models/" + adapted + "/versions/1",
                "text/html"));
        assertEquals(200, card.status(), card::text);
        assertTrue(card.text().contains("adaptation"), "the adapted model has its report");

        assertEquals("dataset.name", firstErrorParameter(post("/api/jobs/fine-tune/executions", parameters(Map.of(
                "dataset.name", corpus, "model.name", unique("x"))))), "fine-tune refuses a corpus");
        assertEquals("dataset.name", firstErrorParameter(post("/api/jobs/adapt/executions", parameters(Map.of(
                "dataset.name", sampleDataset(), "model.name", unique("x"))))), "adapt refuses labelled data");
        assertEquals("train.mode", firstErrorParameter(post("/api/jobs/adapt/executions", parameters(Map.of(
                "dataset.name", corpus, "model.name", unique("x"), "train.mode", "head")))));
        assertEquals("label.field", firstErrorParameter(post("/api/jobs/prepare-dataset/executions", parameters(Map.of(
                "dataset.name", unique("x"), "task", "adaptation", "input.path", SAMPLE, "label.field", "group")))));
    }

    private static JsonObject read(Path file) throws Exception {
        try (var reader = Json.createReader(new StringReader(Files.readString(file)))) {
            return reader.readObject();
        }
    }
}
