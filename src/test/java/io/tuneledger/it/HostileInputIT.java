package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile input at every endpoint, table-driven: oversized, deeply nested and malformed bodies, unknown and duplicated
 * parameters, huge and control-character strings, paths that leave the data roots (relative, absolute, through a
 * symbolic link), names with path separators, numbers out of range. Each is answered 4xx naming the field, and
 * nothing is started or written: no execution, no ledger event of a launch, no dataset. The table is in
 * docs/audit-security-reports.md (Hostile input).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HostileInputIT extends AbstractIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    /** One hostile request: what it is, the request, and the answer expected (status, and the field it names). */
    private record Case(String what, String method, String path, Map<String, String> headers, byte[] body,
            int status, String field) {
    }

    private static final String LAUNCH = "/api/jobs/prepare-dataset/executions";

    private static Case launch(String what, String parameters, String field) {
        return new Case(what, "POST", LAUNCH, Map.of(), ("{\"parameters\": {" + parameters + "}}")
                .getBytes(StandardCharsets.UTF_8), 400, field);
    }

    private static Case body(String what, String path, String body, int status, String field) {
        return new Case(what, "POST", path, Map.of(), body.getBytes(StandardCharsets.UTF_8), status, field);
    }

    private static Case get(String what, String path, int status, String field) {
        return new Case(what, "GET", path, Map.of(), null, status, field);
    }

    private static String json(String s) {
        return Json.createValue(s).toString();
    }

    @Test
    void everyHostileRequestIsRefusedNamingItsFieldAndNothingIsStartedOrWritten() throws Exception {
        Path link = symlinkOutOfTheInbox();
        String ok = "\"input.path\": \"" + SAMPLE + "\"";
        String name = "\"dataset.name\": \"hostile\"";
        List<Case> cases = new ArrayList<>(List.of(
                body("a body of 2 MiB", LAUNCH, "{\"parameters\": {\"dataset.name\": \"" + "x".repeat(2 << 20)
                        + "\"}}", 413, "body"),
                body("JSON nested 10,000 deep", LAUNCH, "{\"parameters\": " + "[".repeat(10_000)
                        + "]".repeat(10_000) + "}", 400, "body"),
                body("malformed JSON", LAUNCH, "{\"parameters\": {\"dataset.name\": ", 400, "body"),
                body("not an object", LAUNCH, "[\"dataset.name\"]", 400, "body"),
                body("a field other than parameters", LAUNCH, "{\"params\": {}}", 400, "params"),
                body("parameters not an object", LAUNCH, "{\"parameters\": \"dataset.name=x\"}", 400, "parameters"),
                launch("an unknown parameter", name + ", " + ok + ", \"no.such.parameter\": \"1\"",
                        "no.such.parameter"),
                launch("a parameter given twice", name + ", " + ok + ", \"dataset.name\": \"other\"", "body"),
                launch("a nested value", "\"dataset.name\": {\"a\": 1}, " + ok, "dataset.name"),
                launch("a 10,000-character name", "\"dataset.name\": \"" + "n".repeat(10_000) + "\", " + ok,
                        "dataset.name"),
                launch("a name with a NUL", "\"dataset.name\": " + json("ab\u0000c") + ", " + ok, "dataset.name"),
                launch("a name with a newline and ANSI escape", "\"dataset.name\": " + json("a\n\u001b[31mb") + ", "
                        + ok, "dataset.name"),
                launch("a name with a slash", "\"dataset.name\": \"a/b\", " + ok, "dataset.name"),
                launch("a name leaving its directory", "\"dataset.name\": \"../../etc\", " + ok, "dataset.name"),
                launch("a relative path out of the data roots", name + ", \"input.path\": \"../../../../../etc/passwd\"",
                        "input.path"),
                launch("an absolute path out of the data roots", name + ", \"input.path\": \"/etc/passwd\"",
                        "input.path"),
                launch("a symbolic link out of the data roots", name + ", \"input.path\": "
                        + json(link.getFileName().toString()), "input.path"),
                launch("a path with a NUL", name + ", \"input.path\": " + json("sample\u0000.jsonl"), "input.path"),
                launch("a split that does not add up", name + ", " + ok + ", \"split\": \"0.9,0.9,0.9\"", "split"),
                launch("a seed out of range", name + ", " + ok + ", \"split.seed\": \"99999999999999999999\"",
                        "split.seed"),
                launch("max.tokens negative", name + ", " + ok + ", \"max.tokens\": -5", "max.tokens"),
                body("fine-tune epochs out of range", "/api/jobs/fine-tune/executions", "{\"parameters\": "
                        + "{\"dataset.name\": \"d\", \"model.name\": \"m\", \"train.epochs\": 1000000000000}}", 400,
                        "train.epochs"),
                body("fine-tune learning rate NaN", "/api/jobs/fine-tune/executions", "{\"parameters\": "
                        + "{\"dataset.name\": \"d\", \"model.name\": \"m\", \"train.learning.rate\": \"NaN\"}}", 400,
                        "train.learning.rate"),
                body("fine-tune batch size 0", "/api/jobs/fine-tune/executions", "{\"parameters\": "
                        + "{\"dataset.name\": \"d\", \"model.name\": \"m\", \"train.batch.size\": 0}}", 400,
                        "train.batch.size"),
                body("a model name with a backslash", "/api/jobs/fine-tune/executions", "{\"parameters\": "
                        + "{\"dataset.name\": \"d\", \"model.name\": \"a\\\\b\"}}", 400, "model.name"),
                body("a base model directory out of the data roots", "/api/jobs/fine-tune/executions",
                        "{\"parameters\": {\"dataset.name\": \"d\", \"model.name\": \"m\", \"base.model\": \"/etc\"}}",
                        400, "base.model"),
                body("a score output out of the data roots", "/api/jobs/score/executions", "{\"parameters\": "
                        + "{\"model.name\": \"m\", " + ok + ", \"output.path\": \"/tmp/../etc/owned.jsonl\"}}", 400,
                        "output.path"),
                body("a restart with malformed JSON", "/api/executions/999999999/restart", "{\"parameters\": [",
                        400, "body"),
                new Case("an Idempotency-Key of 1,000 characters", "POST", LAUNCH,
                        Map.of("Idempotency-Key", "k".repeat(1000)), ("{\"parameters\": {" + name + ", " + ok + "}}")
                        .getBytes(StandardCharsets.UTF_8), 400, "Idempotency-Key"),
                get("an audit limit out of range", "/api/audit?limit=99999999999", 400, "limit"),
                get("an audit limit that is not a number", "/api/audit?limit=ten", 400, "limit"),
                get("an audit time that is not one", "/api/audit?from=yesterday", 400, "from"),
                get("an executions offset out of range", "/api/executions?offset=-1", 400, "offset"),
                get("an executions limit out of range", "/api/executions?limit=1e9", 400, "limit"),
                get("a records split leaving its directory", "/api/datasets/x/versions/1/records?split=../../etc",
                        400, "split"),
                get("a dataset name leaving its directory", "/api/datasets/..%2F..%2Fetc/versions/1", 404, null),
                get("a version that is not a number", "/api/models/m/versions/1%2F..%2F..", 404, null),
                get("an execution id that is not a number", "/api/executions/1%20OR%201=1", 404, null),
                get("an engine check of a model out of the data roots", "/api/system/engine?model=/etc", 400,
                        "model"),
                get("a report format that does not exist", "/api/reports/executions/1?format=exe", 400, "format")));

        String since = Instant.now().minusSeconds(1).toString();
        long executionsBefore = executionCount();
        int datasetsBefore = get("/api/datasets").object().getJsonArray("datasets").size();
        List<String> wrong = new ArrayList<>();
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (Case c : cases) {
            Map<String, String> headers = new LinkedHashMap<>(c.headers());
            headers.put("Authorization", basicAuth("admin"));
            headers.put("Accept", "application/json");
            if (c.body() != null) {
                headers.put("Content-Type", "application/json");
            }
            RawHttps.Response r = RawHttps.send("127.0.0.1", BASE_URL, c.method(), c.path(), headers, c.body());
            List<String> named = named(r.body());
            outcomes.put(c.what(), r.status() + (named.isEmpty() ? "" : " " + String.join(", ", named)));
            if (r.status() != c.status() || (c.field() != null && !named.contains(c.field()))) {
                wrong.add(c.what() + ": expected " + c.status() + " naming " + c.field() + ", got " + r.status()
                        + " " + r.body().substring(0, Math.min(300, r.body().length())));
            }
        }
        outcomes.forEach((what, outcome) -> System.out.println("hostile input | " + what + " | " + outcome));
        assertEquals(List.of(), wrong);

        assertEquals(executionsBefore, executionCount(), "nothing was started");
        assertEquals(datasetsBefore, get("/api/datasets").object().getJsonArray("datasets").size(),
                "no dataset was written");
        Reply launched = get("/api/audit?subject=job-execution&limit=1000&from=" + since);
        assertEquals(0, launched.object().getJsonArray("events").size(), "no launch in the ledger: " + launched.text());
        assertTrue(get("/api/audit/verify").object().getBoolean("valid"));
    }

    /** A file in the server's inbox that links to /etc/passwd. */
    private static Path symlinkOutOfTheInbox() throws Exception {
        JsonArray roots = get("/api/system").object().getJsonArray("dataRoots");
        Path inbox = Path.of(roots.getString(0));
        Files.createDirectories(inbox);
        Path link = inbox.resolve("hostile-" + RUN + ".jsonl");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of("/etc/passwd"));
        return link;
    }

    private static long executionCount() throws Exception {
        return Long.parseLong(get("/api/executions?limit=1").headers().firstValue("X-Total-Count").orElseThrow());
    }

    /** The parameters the errors of a response name (none when it is not an error body). */
    private static List<String> named(String body) {
        if (body == null || !body.startsWith("{")) {
            return List.of();
        }
        try (var r = Json.createReader(new StringReader(body))) {
            JsonArray errors = r.readObject().getJsonArray("errors");
            return errors == null ? List.of() : errors.stream().map(e -> e.asJsonObject())
                    .filter(e -> !e.isNull("parameter")).map(e -> e.getString("parameter")).toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }
}
