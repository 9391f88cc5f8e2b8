package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The prepare-dataset job through the REST API: catalog, a real run on the bundled sample, quarantine, 400s. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PrepareDatasetIT extends AbstractIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    @Test
    void theServerRunsOnTheDatabaseThisBuildWasProvisionedFor() throws Exception {
        Reply reply = get("/api/system");
        assertEquals(200, reply.status(), reply::text);
        String expected = "postgresql".equals(System.getProperty("tuneledger.db")) ? "PostgreSQL" : "H2";
        assertEquals(expected, reply.object().getString("database"));
    }

    @Test
    void catalogListsPrepareDatasetWithItsParametersAndDefaults() throws Exception {
        Reply reply = get("/api/jobs");
        assertEquals(200, reply.status());
        JsonObject job = reply.array().stream().map(JsonValue::asJsonObject)
                .filter(j -> j.getString("name").equals("prepare-dataset")).findFirst().orElseThrow();
        Map<String, JsonObject> params = job.getJsonArray("parameters").stream().map(JsonValue::asJsonObject)
                .collect(Collectors.toMap(p -> p.getString("name"), p -> p));
        assertTrue(params.get("dataset.name").getBoolean("required"));
        assertTrue(params.get("input.path").getBoolean("required"));
        assertEquals("text", params.get("text.field").getString("defaultValue"));
        assertEquals("label", params.get("label.field").getString("defaultValue"));
    }

    @Test
    void bundledSampleIsIngestedWithEveryLineAccountedFor() throws Exception {
        JsonObject launched = startJob("prepare-dataset",
                Map.of("dataset.name", "sample-it", "input.path", SAMPLE));
        assertEquals("prepare-dataset", launched.getString("jobName"));
        long id = launched.getJsonNumber("executionId").longValue();

        JsonObject execution = awaitEnd(id, Duration.ofMinutes(3));
        assertEquals("COMPLETED", execution.getString("batchStatus"), execution::toString);
        // The recorded parameters are complete: defaults filled in, the input path resolved to the real file.
        JsonObject params = execution.getJsonObject("parameters");
        assertEquals("text", params.getString("text.field"));
        assertTrue(params.getString("input.path").endsWith("/samples/" + SAMPLE), params::toString);

        int total = sampleIds().size();
        JsonObject ingest = step(execution, "ingest");
        assertEquals(total, metric(ingest, "readCount"));
        assertEquals(total, metric(ingest, "writeCount"));
        JsonObject counts = ingest.getJsonObject("counts");
        assertEquals(total, counts.getJsonNumber("accepted").longValue() + counts.getJsonNumber("quarantined").longValue());
        assertEquals(1.0, ingest.getJsonObject("progress").getJsonNumber("fraction").doubleValue());

        Path staging = storeHome().resolve("staging").resolve(launched.get("instanceId").toString());
        List<String> ids = readJsonl(staging.resolve("accepted.jsonl")).stream().map(o -> o.getString("id")).toList();
        assertEquals(sampleIds(), ids, "every sample record accepted once, in input order");
    }

    @Test
    void badLinesAreQuarantinedWithAReasonAndTheRestAccepted() throws Exception {
        Path inbox = storeHome().resolve("inbox");
        Files.createDirectories(inbox);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("{\"id\":\"a\",\"text\":\"Hello there\",\"label\":\"ham\"}\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("{\"id\":\"b\",\"text\":\"broken\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(new byte[] {'{', '"', 'i', 'd', '"', ':', '"', 'c', '"', ',', (byte) 0xC3, (byte) 0x28, '}', '\n'});
        bytes.writeBytes("\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("{\"id\":\"d\",\"text\":\"   \",\"label\":\"spam\"}\r\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("{\"id\":\"e\",\"text\":\"Win money\",\"label\":\"spam\"}".getBytes(StandardCharsets.UTF_8));
        Path input = inbox.resolve("dirty-" + System.nanoTime() + ".jsonl");
        Files.write(input, bytes.toByteArray());

        JsonObject launched = startJob("prepare-dataset",
                Map.of("dataset.name", "dirty-it", "input.path", input.getFileName().toString()));
        JsonObject execution = awaitEnd(launched.getJsonNumber("executionId").longValue(), Duration.ofMinutes(2));
        assertEquals("COMPLETED", execution.getString("batchStatus"), execution::toString);
        JsonObject counts = step(execution, "ingest").getJsonObject("counts");
        assertEquals(2, counts.getInt("accepted"));
        assertEquals(3, counts.getInt("quarantined"));

        Path staging = storeHome().resolve("staging").resolve(launched.get("instanceId").toString());
        Map<Integer, String> reasons = readJsonl(staging.resolve("quarantine.jsonl")).stream()
                .collect(Collectors.toMap(o -> o.getInt("line"), o -> o.getString("reason")));
        assertEquals(Map.of(2, "MALFORMED_LINE", 3, "INVALID_ENCODING", 5, "EMPTY_TEXT"), reasons);
        List<String> accepted = readJsonl(staging.resolve("accepted.jsonl")).stream().map(o -> o.getString("id")).toList();
        assertEquals(List.of("a", "e"), accepted);
    }

    @Test
    void badParametersAreRejectedWith400NamingEachParameterAndNothingStarts() throws Exception {
        int before = get("/api/executions?limit=1000").array().size();

        Reply missing = post("/api/jobs/prepare-dataset/executions", parameters(Map.of("input.path", SAMPLE)));
        assertEquals(400, missing.status());
        assertEquals(List.of("dataset.name"), parameterNames(missing));

        Reply outside = post("/api/jobs/prepare-dataset/executions",
                parameters(Map.of("dataset.name", "x", "input.path", "/etc/passwd")));
        assertEquals(400, outside.status());
        assertEquals(List.of("input.path"), parameterNames(outside));
        assertTrue(message(outside).contains("outside the data roots"), outside.text());

        Reply escape = post("/api/jobs/prepare-dataset/executions",
                parameters(Map.of("dataset.name", "x", "input.path", "../../../../../../etc/hostname")));
        assertEquals(400, escape.status());
        assertEquals(List.of("input.path"), parameterNames(escape));

        Reply typo = post("/api/jobs/prepare-dataset/executions",
                parameters(Map.of("dataset.name", "Bad Name!", "input.path", SAMPLE, "text.feild", "body")));
        assertEquals(400, typo.status());
        assertEquals(List.of("dataset.name", "text.feild"), parameterNames(typo).stream().sorted().toList());

        Reply notJson = postRaw("/api/jobs/prepare-dataset/executions", "{\"parameters\": [1, 2]}");
        assertEquals(400, notJson.status());
        assertEquals(List.of("parameters"), parameterNames(notJson));

        assertEquals(before, get("/api/executions?limit=1000").array().size(), "no execution was created");
    }

    @Test
    void unknownJobAndExecutionAre404() throws Exception {
        Reply job = post("/api/jobs/no-such-job/executions", parameters(Map.of()));
        assertEquals(404, job.status());
        assertFalse(message(job).isBlank());
        assertEquals(404, get("/api/executions/987654321").status());
    }

    private static List<String> parameterNames(Reply reply) {
        return reply.object().getJsonArray("errors").stream().map(JsonValue::asJsonObject)
                .map(e -> e.getString("parameter", "")).toList();
    }

    private static String message(Reply reply) {
        return reply.object().getJsonArray("errors").getJsonObject(0).getString("message");
    }
}
