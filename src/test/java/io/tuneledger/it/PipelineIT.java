package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pipeline, fine-tune and score jobs through the REST API: the bundled sample from raw mails to a registered model
 * that beats its frozen-encoder baseline and to a predictions file with one line per record; the quality gate; a stop
 * during training and the restart; 400s before anything starts.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PipelineIT extends AbstractIT {

    /**
     * The least training that still makes a good model of the sample: one epoch of 16-token texts in batches of 32
     * (18 updates).
     */
    static final Map<String, String> QUICK = Map.of("train.epochs", "1", "train.max.length", "16",
            "train.batch.size", "32", "train.learning.rate", "2e-4", "checkpoint.every.steps", "6");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    @Test
    void pipelineOnTheSampleRegistersAModelThatBeatsTheBaselineAndScoresEveryRecord() throws Exception {
        String name = unique("pipeline-it");
        Map<String, String> params = with(QUICK, "dataset.name", name, "input.path", SAMPLE,
                "model.name", name, "score.input.path", SAMPLE, "score.output.path", name + ".jsonl");
        long executionId = startJob("pipeline", params).getJsonNumber("executionId").longValue();
        JsonObject done = awaitEnd(executionId, Duration.ofMinutes(10));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        assertEquals("COMPLETED", done.getString("exitStatus"));

        JsonObject train = step(done, "train");
        JsonObject progress = train.getJsonObject("progress");
        assertEquals("steps", progress.getString("unit"));
        assertEquals(18, progress.getInt("total"), "545 training records in batches of 32");
        assertEquals(18, progress.getInt("done"));
        JsonObject values = train.getJsonObject("values");
        assertTrue(values.containsKey("loss") && values.containsKey("validationMacroF1"), values::toString);

        JsonObject model = get("/api/models/" + name + "/versions/1").object();
        assertEquals("candidate", model.getString("status"));
        assertEquals(name, model.getJsonObject("lineage").getString("dataset"));
        assertEquals(manifest(name, "latest").getString("contentSha256"),
                model.getJsonObject("lineage").getString("datasetSha256"));
        double tuned = model.getJsonObject("evaluation").getJsonObject("test").getJsonNumber("macroF1").doubleValue();
        double baseline = model.getJsonObject("evaluation").getJsonObject("baseline").getJsonObject("test")
                .getJsonNumber("macroF1").doubleValue();
        assertTrue(tuned >= 0.8, "fine-tuned test macro-F1 " + tuned);
        assertTrue(tuned > baseline + 0.1, "fine-tuned " + tuned + " against frozen-encoder baseline " + baseline);
        assertEquals(2, model.getJsonObject("evaluation").getJsonObject("test").getJsonArray("confusion").size());
        Path artifact = Path.of(model.getJsonObject("artifact").getString("path"));
        assertEquals(sha256(artifact.resolve("model.safetensors")), model.getString("weightsSha256"));

        // One prediction per input record, in input order, and they agree with the labels.
        Path output = storeHome().resolve("outbox").resolve(name + ".jsonl");
        List<JsonObject> predictions = readJsonl(output);
        assertEquals(sampleIds(), predictions.stream().map(p -> p.getString("id")).toList());
        assertTrue(Files.notExists(output.resolveSibling(name + ".jsonl.rejected.jsonl")));
        Map<String, String> truth = readJsonl(Path.of("samples", SAMPLE)).stream()
                .collect(Collectors.toMap(o -> o.getString("id"), o -> o.getString("label")));
        long right = 0;
        for (JsonObject p : predictions) {
            assertEquals(name, p.getString("model"));
            assertEquals(1, p.getInt("modelVersion"));
            JsonObject probs = p.getJsonObject("probabilities");
            assertEquals(Set.of("ham", "spam"), probs.keySet());
            double sum = probs.values().stream().mapToDouble(v -> ((jakarta.json.JsonNumber) v).doubleValue()).sum();
            assertEquals(1.0, sum, 1e-4);
            if (p.getString("label").equals(truth.get(p.getString("id")))) {
                right++;
            }
        }
        assertTrue(right >= 0.85 * predictions.size(), right + " of " + predictions.size() + " predictions right");
        assertEquals(predictions.size(), step(done, "merge").getJsonObject("counts").getInt("scored"));

        assertComplianceReports(name, executionId, model, sha256(output));
        assertScoreEnginesAgree(name, predictions);
    }

    /**
     * The same model on the other engines: its ONNX export in fp32 gives the same labels and probabilities within
     * 1e-4; without length bucketing the model core gives the same labels and probabilities within 1e-5; the int8
     * export is measured against fp32 on the test split, recorded in the ledger and the model card, and refused when it
     * loses more accuracy than quantize.max.drop.
     */
    private static void assertScoreEnginesAgree(String name, List<JsonObject> reference) throws Exception {
        Map<String, String> score = Map.of("model.name", name, "model.version", "1", "input.path", SAMPLE);
        assertAgree(reference, score(with(score, "score.engine", "onnx", "output.path", name + "-onnx.jsonl")), 1e-4);
        assertAgree(reference, score(with(score, "score.bucketing", "false", "output.path",
                name + "-unbucketed.jsonl")), 1e-5);

        List<JsonObject> int8 = score(with(score, "score.engine", "onnx-int8", "quantize.max.drop", "1",
                "output.path", name + "-int8.jsonl"));
        JsonObject exported = events("model:" + name + " v1").stream()
                .filter(e -> e.getString("action").equals("model.exported")
                        && e.getJsonObject("details").getString("engine").equals("onnx-int8"))
                .findFirst().orElseThrow().getJsonObject("details");
        JsonObject q = exported.getJsonObject("quantization");
        assertTrue(q.getInt("records") > 0 && q.getJsonNumber("labelAgreement").doubleValue() >= 0.9, q::toString);
        long same = 0;
        for (int i = 0; i < int8.size(); i++) {
            same += int8.get(i).getString("label").equals(reference.get(i).getString("label")) ? 1 : 0;
        }
        assertTrue(same >= 0.95 * reference.size(), "int8 labels agree on " + same + " of " + reference.size());
        JsonObject card = as("auditor", () -> get("/api/models/" + name + "/versions/1/card")).object();
        JsonObject recorded = card.getJsonObject("evaluation").getJsonObject("int8");
        assertEquals(q.getString("int8Sha256"), recorded.getString("int8Sha256"), "the model card records it");
        assertEquals(q.getJsonNumber("accuracyDrop").doubleValue(), recorded.getJsonNumber("accuracyDrop")
                .doubleValue());

        // The gate: a run allowing no loss at all completes only when int8 lost nothing on the test split.
        double drop = q.getJsonNumber("accuracyDrop").doubleValue();
        JsonObject strict = awaitEnd(startJob("score", with(score, "score.engine", "onnx-int8",
                "quantize.max.drop", "0", "output.path", name + "-int8-strict.jsonl")).getJsonNumber("executionId")
                .longValue(), Duration.ofMinutes(5));
        assertEquals(drop > 0 ? "FAILED" : "COMPLETED", strict.getString("batchStatus"), "accuracy drop " + drop);
        assertEquals(drop > 0, Files.notExists(storeHome().resolve("outbox").resolve(name + "-int8-strict.jsonl")));
    }

    private static List<JsonObject> score(Map<String, String> parameters) throws Exception {
        JsonObject done = awaitEnd(startJob("score", parameters).getJsonNumber("executionId").longValue(),
                Duration.ofMinutes(5));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        return readJsonl(storeHome().resolve("outbox").resolve(parameters.get("output.path")));
    }

    /** Same ids in the same order, the same labels, every probability within {@code tolerance}. */
    private static void assertAgree(List<JsonObject> expected, List<JsonObject> actual, double tolerance) {
        assertEquals(expected.stream().map(p -> p.getString("id")).toList(),
                actual.stream().map(p -> p.getString("id")).toList());
        double worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).getString("label"), actual.get(i).getString("label"),
                    expected.get(i).getString("id"));
            JsonObject a = expected.get(i).getJsonObject("probabilities");
            JsonObject b = actual.get(i).getJsonObject("probabilities");
            for (String label : a.keySet()) {
                worst = Math.max(worst, Math.abs(a.getJsonNumber(label).doubleValue()
                        - b.getJsonNumber(label).doubleValue()));
            }
        }
        assertTrue(worst < tolerance, "probabilities differ by up to " + worst);
    }

    /**
     * LoRA on the sample: the encoder frozen, rank-8 adapters on query and value trained with the head; the model beats
     * the frozen-encoder baseline, its artifact is PEFT's adapter directory (adapters and head only, the base model
     * named), the registry's weights hash is the adapter file's, and it scores through its merged export.
     */
    private static String loraModel;

    /** A LoRA fine-tune of the sample with the quick settings and LoRA's defaults, made once for the tests here. */
    private static synchronized String loraModel() throws Exception {
        if (loraModel == null) {
            String name = unique("lora-it");
            Map<String, String> lora = with(QUICK, "dataset.name", sampleDataset(), "model.name", name,
                    "train.mode", "lora");
            lora.remove("train.learning.rate");
            long id = startJob("fine-tune", lora).getJsonNumber("executionId").longValue();
            JsonObject done = awaitEnd(id, Duration.ofMinutes(10));
            assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
            loraModel = name;
        }
        return loraModel;
    }

    @Test
    void aLoraFineTuneBeatsTheBaselineAndIsSavedAsAdaptersOnly() throws Exception {
        String name = loraModel();
        JsonObject model = get("/api/models/" + name + "/versions/1").object();
        assertEquals("3e-3", model.getJsonObject("parameters").getString("train.learning.rate"),
                "LoRA's own learning rate when none is given, recorded as used");
        assertEquals("lora-adapter", model.getJsonObject("artifact").getString("layout"));
        double tuned = model.getJsonObject("evaluation").getJsonObject("test").getJsonNumber("macroF1").doubleValue();
        double baseline = model.getJsonObject("evaluation").getJsonObject("baseline").getJsonObject("test")
                .getJsonNumber("macroF1").doubleValue();
        assertTrue(tuned > baseline + 0.05, "LoRA " + tuned + " against frozen-encoder baseline " + baseline);
        Path artifact = Path.of(model.getJsonObject("artifact").getString("path"));
        try (var files = Files.list(artifact)) {
            assertEquals(Set.of("adapter_config.json", "adapter_model.safetensors", "tokenizer.json",
                    "provenance.json", "tuneledger_adapter.json", "SHA256SUMS"),
                    files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()));
        }
        assertEquals(sha256(artifact.resolve("adapter_model.safetensors")), model.getString("weightsSha256"));
        assertTrue(Files.size(artifact.resolve("adapter_model.safetensors")) < 1_000_000, "adapters, not weights");
        assertTrue(Files.readString(artifact.resolve("adapter_config.json")).contains("all-MiniLM-L6-v2"),
                "the base model is named");

        List<JsonObject> scored = score(Map.of("model.name", name, "input.path", SAMPLE,
                "output.path", name + ".jsonl"));
        Map<String, String> truth = readJsonl(Path.of("samples", SAMPLE)).stream()
                .collect(Collectors.toMap(o -> o.getString("id"), o -> o.getString("label")));
        long right = scored.stream().filter(p -> p.getString("label").equals(truth.get(p.getString("id")))).count();
        assertTrue(right >= 0.85 * scored.size(), right + " of " + scored.size() + " right");
        assertTrue(Files.exists(Path.of(artifact + "-exports").resolve("merged").resolve("model.safetensors")),
                "scoring made the merged model for serving, beside the read-only version directory");
        try (var files = Files.list(artifact)) {
            assertEquals(6, files.count(), "the version's own directory is unchanged");
        }
    }

    /**
     * The distill job on the LoRA model as teacher (its adapters merged into the base when loaded): the student keeps
     * the teacher's first 3 of 6 layers (distill.layers=auto) and its head, trains one quick epoch on the labels and
     * the teacher's softened outputs, and comes close to the teacher; the baseline is the teacher, with both models'
     * size and speed in the evaluation and the report; lineage and provenance name the teacher.
     */
    @Test
    void aDistilledStudentKeepsHalfTheTeachersLayersAndComesCloseToIt() throws Exception {
        String teacher = loraModel();
        String name = unique("distill-it");
        assertEquals("train.mode", firstErrorParameter(post("/api/jobs/distill/executions", parameters(Map.of(
                "dataset.name", sampleDataset(), "model.name", name, "distill.teacher", teacher + ":1",
                "train.mode", "lora")))));
        assertEquals("distill.layers", firstErrorParameter(post("/api/jobs/distill/executions", parameters(Map.of(
                "dataset.name", sampleDataset(), "model.name", name, "distill.teacher", teacher + ":1",
                "distill.student", "all-minilm-l6-v2", "distill.layers", "7")))));
        assertEquals("distill.teacher", firstErrorParameter(post("/api/jobs/distill/executions", parameters(Map.of(
                "dataset.name", sampleDataset(), "model.name", name, "distill.teacher", "no-such-model:1")))));

        Map<String, String> distill = with(QUICK, "dataset.name", sampleDataset(), "model.name", name,
                "distill.teacher", teacher + ":latest");
        long id = startJob("distill", distill).getJsonNumber("executionId").longValue();
        JsonObject done = awaitEnd(id, Duration.ofMinutes(10));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);

        JsonObject model = get("/api/models/" + name + "/versions/1").object();
        assertEquals(teacher + ":1", model.getJsonObject("lineage").getString("baseModel"), "the teacher is the parent");
        Path artifact = Path.of(model.getJsonObject("artifact").getString("path"));
        assertTrue(Files.readString(artifact.resolve("config.json")).replace(" ", "")
                .contains("\"num_hidden_layers\":3"), "half of the teacher's 6 layers");
        JsonObject evaluation = model.getJsonObject("evaluation");
        JsonObject baseline = evaluation.getJsonObject("baseline");
        assertEquals("teacher", baseline.getString("mode"));
        double student = evaluation.getJsonObject("test").getJsonNumber("macroF1").doubleValue();
        double teacherF1 = baseline.getJsonObject("test").getJsonNumber("macroF1").doubleValue();
        assertTrue(student >= teacherF1 - 0.05, "student " + student + ", teacher " + teacherF1);
        JsonObject speed = baseline.getJsonObject("speed");
        long studentWeights = speed.getJsonNumber("studentParameters").longValue();
        long teacherWeights = speed.getJsonNumber("teacherParameters").longValue();
        assertTrue(studentWeights < 0.85 * teacherWeights && studentWeights > 0.5 * teacherWeights,
                studentWeights + " against " + teacherWeights + " (the embeddings are most of MiniLM)");
        assertTrue(speed.getJsonNumber("studentTextsPerSecond").doubleValue() > 0, speed::toString);

        JsonObject card = as("auditor", () -> get("/api/models/" + name + "/versions/1/card")).object();
        assertTrue(card.getString("intendedUse").contains("Distilled from the classifier " + teacher), card::toString);
        String page = as("auditor", () -> download("/api/reports/models/" + name + "/versions/1", "text/html"))
                .text();
        for (String expected : List.of("Distilled from", teacher + ":1", "the distilled student against its teacher",
                "Student against teacher", "temperature 2.000, alpha 0.500")) {
            assertTrue(page.contains(expected), "the report shows " + expected);
        }
    }

    /**
     * {@code train.max.length=auto} takes the dataset's 95th percentile of token lengths (rounded up to a multiple of
     * 16) from its manifest, and {@code train.class.weights=balanced} weighs the rarer label up: both recorded in the
     * model's provenance as the values used; the words are refused where they do not apply.
     */
    @Test
    void autoMaxLengthAndBalancedClassWeightsAreTakenFromTheDataset() throws Exception {
        String name = unique("auto-length");
        Path input = writeInput(name, 300, (round, m) -> jakarta.json.Json.createObjectBuilder()
                .add("id", m.getString("id")).add("label", m.getString("label"))
                .add("text", String.join(" ", java.util.Arrays.stream(m.getString("text").split("\\s+")).limit(12)
                        .toList())).build());
        JsonObject prepared = awaitEnd(startJob("prepare-dataset", Map.of("dataset.name", name, "input.path",
                input.getFileName().toString())).getJsonNumber("executionId").longValue(), Duration.ofMinutes(5));
        assertEquals("COMPLETED", prepared.getString("batchStatus"), prepared::toString);
        long p95 = manifest(name, "1").getJsonObject("tokens").getJsonNumber("p95").longValue();
        long expected = Math.max(16, Math.min(512, (p95 + 15) / 16 * 16));
        assertTrue(expected < 128, "short texts: " + p95 + " tokens at the 95th percentile");

        assertEquals("train.max.length", firstErrorParameter(post("/api/jobs/fine-tune/executions", parameters(
                Map.of("dataset.name", name, "model.name", name, "train.max.length", "automatic")))));
        Map<String, String> params = with(MECHANICS, "dataset.name", name, "model.name", name,
                "train.max.length", "auto", "train.class.weights", "balanced");
        JsonObject done = awaitEnd(startJob("fine-tune", params).getJsonNumber("executionId").longValue(),
                Duration.ofMinutes(10));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        assertEquals("auto", done.getJsonObject("parameters").getString("train.max.length"));
        JsonObject version = get("/api/models/" + name + "/versions/1").object();
        JsonObject training = jakarta.json.Json.createReader(new java.io.StringReader(Files.readString(Path.of(
                version.getJsonObject("artifact").getString("path")).resolve("provenance.json")))).readObject()
                .getJsonObject("training");
        assertEquals(expected, training.getInt("train.max.length"), "the length really used: " + training);
        assertEquals("balanced", training.getString("train.class.weights"));
    }

    /**
     * What an auditor gets for this run: the model card, and the model's report in HTML and PDF with the lineage
     * hashes from the source file to the predictions, the loss curves, the gate and the chain's verification; each
     * download is in the ledger with the SHA-256 of the bytes served.
     */
    private static void assertComplianceReports(String name, long executionId, JsonObject model,
            String predictionsSha) throws Exception {
        String weights = model.getString("weightsSha256");
        String dataset = model.getJsonObject("lineage").getString("datasetSha256");
        String source = manifest(name, "1").getJsonObject("source").getString("sha256");

        JsonObject card = as("auditor", () -> get("/api/models/" + name + "/versions/1/card")).object();
        assertTrue(card.getString("intendedUse").contains("ham, spam"), card::toString);
        assertEquals(weights, card.getString("weightsSha256"));
        assertTrue(card.getJsonArray("limitations").size() >= 3, card::toString);

        Download html = as("auditor", () -> download("/api/reports/models/" + name + "/versions/1", "text/html"));
        assertEquals(200, html.status(), html::text);
        assertTrue(html.contentType().startsWith("text/html"), html.contentType());
        String page = html.text();
        for (String expected : List.of("Model card", "Intended use", "Limitations", source, dataset, weights,
                predictionsSha, "Confusion matrix", "validation loss (per epoch)", "<svg", "Launched by",
                "VALID: every event")) {
            assertTrue(page.contains(expected), "the HTML report shows " + expected);
        }
        assertTrue(page.indexOf("Model card") < page.indexOf("Who, when, what"), "the model card comes first");

        Download pdf = as("auditor", () -> download("/api/reports/models/" + name + "/versions/1",
                "application/pdf"));
        assertEquals(200, pdf.status(), pdf::text);
        assertEquals("application/pdf", pdf.contentType());
        assertEquals("%PDF-", new String(pdf.body(), 0, 5, java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pdf.body())),
                pdf.reportSha256());
        String text = pdfText(pdf.body());
        assertTrue(text.contains("Model card") && text.contains(weights) && text.contains("Confusion matrix"),
                "the PDF has the card, the weights hash and the confusion matrix");

        JsonObject downloaded = events("model:" + name + " v1").get(0);
        assertEquals("report.downloaded", downloaded.getString("action"));
        assertEquals("auditor", downloaded.getString("actor"));
        assertEquals(pdf.reportSha256(), downloaded.getJsonObject("details").getString("sha256"));

        Download execution = as("auditor", () -> download("/api/reports/executions/" + executionId, "text/html"));
        assertEquals(200, execution.status(), execution::text);
        assertTrue(execution.text().contains("job execution " + executionId), "the execution report names it");
        assertTrue(execution.text().contains("Restarts and interruptions"));
    }

    private static String pdfText(byte[] pdf) throws Exception {
        com.lowagie.text.pdf.PdfReader reader = new com.lowagie.text.pdf.PdfReader(pdf);
        try {
            com.lowagie.text.pdf.parser.PdfTextExtractor extractor =
                    new com.lowagie.text.pdf.parser.PdfTextExtractor(reader);
            StringBuilder all = new StringBuilder();
            for (int page = 1; page <= reader.getNumberOfPages(); page++) {
                all.append(extractor.getTextFromPage(page)).append('\n');
            }
            return all.toString();
        } finally {
            reader.close();
        }
    }

    @Tag(AbstractIT.DATABASE)
    @Test
    void aModelBelowTheGateIsRejectedAndTheNextVersionCanContinueFromIt() throws Exception {
        String name = unique("gate-it");
        Map<String, String> params = with(MECHANICS, "dataset.name", sampleDataset(), "model.name", name,
                "train.mode", "head", "gate.min.macro.f1", "0.999");
        JsonObject done = awaitEnd(startJob("fine-tune", params).getJsonNumber("executionId").longValue(),
                Duration.ofMinutes(10));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        assertEquals("GATE_FAILED", done.getString("exitStatus"));
        assertEquals("GATE_FAILED", step(done, "gate").getString("exitStatus"));
        JsonObject model = get("/api/models/" + name + "/versions/1").object();
        assertEquals("rejected", model.getString("status"));
        assertEquals("GATE_FAILED", model.getJsonObject("gate").getString("decision"));
        assertEquals(404, get("/api/models/" + name + "/versions/latest").status(), "latest skips rejected versions");

        Reply score = post("/api/jobs/score/executions", parameters(Map.of("model.name", name,
                "model.version", "1", "input.path", SAMPLE)));
        assertEquals(400, score.status(), score::text);
        assertEquals("model.version", firstErrorParameter(score));

        // Incremental training: the next version starts from version 1's weights (head and labels included).
        Map<String, String> again = with(params, "base.model", name + ":1", "gate.min.macro.f1", "none");
        JsonObject second = awaitEnd(startJob("fine-tune", again).getJsonNumber("executionId").longValue(),
                Duration.ofMinutes(10));
        assertEquals("COMPLETED", second.getString("batchStatus"), second::toString);
        JsonObject v2 = get("/api/models/" + name + "/versions/2").object();
        assertEquals("candidate", v2.getString("status"));
        assertEquals(name + ":1", v2.getJsonObject("lineage").getString("baseModel"));
        assertEquals(model.getString("weightsSha256"), v2.getJsonObject("lineage").getString("baseModelSha256"));

        // Promotion by the admin: the rejected version never, the candidate once, recorded with the caller.
        Reply refused = post("/api/models/" + name + "/versions/1/promote", null);
        assertEquals(409, refused.status(), refused::text);
        Reply promoted = post("/api/models/" + name + "/versions/2/promote", null);
        assertEquals(200, promoted.status(), promoted::text);
        assertEquals("promoted", get("/api/models/" + name + "/versions/2").object().getString("status"));
        JsonObject event = events("model:" + name + " v2").get(0);
        assertEquals("model.promoted", event.getString("action"));
        assertEquals("admin", event.getString("actor"));
    }

    @Test
    void aStopDuringTrainingCommitsWhatWasDoneAndTheRestartFinishesTheRemainingSteps() throws Exception {
        String name = unique("stop-it");
        Map<String, String> params = with(MECHANICS, "dataset.name", sampleDataset(), "model.name", name);
        long first = startJob("fine-tune", params).getJsonNumber("executionId").longValue();
        awaitTrainingSteps(first, 2);
        Reply stop = post("/api/executions/" + first + "/stop", parameters(Map.of()));
        assertEquals(202, stop.status(), stop::text);
        JsonObject stopped = awaitEnd(first, Duration.ofMinutes(5));
        assertEquals("STOPPED", stopped.getString("batchStatus"), stopped::toString);
        JsonObject train = step(stopped, "train");
        int done = train.getJsonObject("progress").getInt("done");
        int total = train.getJsonObject("progress").getInt("total");
        assertEquals(9, total, "545 training records in batches of 64");
        assertTrue(done >= 2 && done < total, "stopped part-way: " + done);
        assertEquals(done, metric(train, "readCount"), "the updates made before the stop were all committed");

        // What the saved training state depends on cannot change on a restart: refused before anything starts.
        Reply refused = post("/api/executions/" + first + "/restart", parameters(Map.of("train.learning.rate",
                "1e-3")));
        assertEquals("train.learning.rate", firstErrorParameter(refused));
        assertTrue(refused.object().getJsonArray("errors").getJsonObject(0).getString("message")
                .contains("checkpoint.every.steps"), "the answer says what a restart may change: " + refused.text());
        assertEquals("STOPPED", get("/api/executions/" + first).object().getString("batchStatus"),
                "nothing was restarted");

        // The checkpoint interval may change: the state does not depend on it.
        long second = restart(first, Map.of("checkpoint.every.steps", "3")).getJsonNumber("executionId")
                .longValue();
        JsonObject completed = awaitEnd(second, Duration.ofMinutes(10));
        assertEquals("COMPLETED", completed.getString("batchStatus"), completed::toString);
        assertEquals(total - done, metric(step(completed, "train"), "readCount"),
                "the restart made only the remaining updates");
        assertEquals("candidate", get("/api/models/" + name + "/versions/1").object().getString("status"));
    }

    @Test
    void badParametersAre400sNamingTheParameter() throws Exception {
        assertEquals("model.name", firstErrorParameter(post("/api/jobs/fine-tune/executions",
                parameters(Map.of("dataset.name", "no-such-dataset")))));
        assertEquals("dataset.name", firstErrorParameter(post("/api/jobs/fine-tune/executions",
                parameters(Map.of("dataset.name", "no-such-dataset", "model.name", "m")))));
        Reply base = post("/api/jobs/pipeline/executions", parameters(Map.of("dataset.name", "d",
                "input.path", SAMPLE, "model.name", "m", "base.model", "gpt-17")));
        assertEquals("base.model", firstErrorParameter(base));
        Reply rate = post("/api/jobs/pipeline/executions", parameters(Map.of("dataset.name", "d",
                "input.path", SAMPLE, "model.name", "m", "train.learning.rate", "fast")));
        assertEquals("train.learning.rate", firstErrorParameter(rate));
        Reply output = post("/api/jobs/pipeline/executions", parameters(Map.of("dataset.name", "d",
                "input.path", SAMPLE, "model.name", "m", "score.input.path", SAMPLE,
                "score.output.path", "/etc/predictions.jsonl")));
        assertEquals("score.output.path", firstErrorParameter(output));
        Reply noModel = post("/api/jobs/score/executions", parameters(Map.of("model.name", "no-such-model",
                "input.path", SAMPLE)));
        assertEquals("model.name", firstErrorParameter(noModel));
        Reply engine = post("/api/jobs/pipeline/executions", parameters(Map.of("dataset.name", "d",
                "input.path", SAMPLE, "model.name", "m", "score.input.path", SAMPLE, "score.engine", "tensorrt")));
        assertEquals("score.engine", firstErrorParameter(engine));
        Reply rank = post("/api/jobs/fine-tune/executions", parameters(Map.of("dataset.name", sampleDataset(),
                "model.name", "m", "lora.rank", "4")));
        assertEquals("lora.rank", firstErrorParameter(rank), "lora.* without train.mode=lora");
        Reply targets = post("/api/jobs/fine-tune/executions", parameters(Map.of("dataset.name", sampleDataset(),
                "model.name", "m", "train.mode", "lora", "lora.targets", "query,pooler")));
        assertEquals("lora.targets", firstErrorParameter(targets));
    }
}
