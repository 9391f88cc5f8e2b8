package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Shared base of the integration tests: talks to the deployed application over its REST API as a user would, starts
 * jobs and polls until they end (with a timeout, never sleep-then-assert).
 */
public abstract class AbstractIT {

    /**
     * The tag of the tests whose behaviour depends on the database (SQL on the job repository's tables, the ledger's
     * protection, the registries' constraints, a JDBC source, restart from the JDBC job repository): the PostgreSQL
     * run ({@code mvn verify -Ppostgresql}) runs only these; everything else is the same on any database.
     */
    protected static final String DATABASE = "database";

    /** Where the application answers. */
    protected static final String BASE_URL = System.getProperty("tuneledger.url", "https://localhost:8443");

    /** The bundled sample, as the tests' input. */
    protected static final String SAMPLE = "spamassassin-sample.jsonl";

    /**
     * Suffix that makes this test run's dataset and model names its own: the PostgreSQL database outlives a run, so
     * a fixed name would find the versions of earlier runs.
     */
    protected static final String RUN = Long.toString(System.currentTimeMillis(), 36);

    /** {@code base} made unique to this test run. */
    protected static String unique(String base) {
        return base + "-" + RUN;
    }

    private static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "STOPPED", "ABANDONED");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** The development users written at provisioning ({@code role.user}, {@code role.password}). */
    private static final Properties CREDENTIALS = credentials();

    /** Whom the tests' requests authenticate as: the admin, unless a test says otherwise. */
    private static final ThreadLocal<String> ROLE = ThreadLocal.withInitial(() -> "admin");

    private static Properties credentials() {
        Path file = Path.of(System.getProperty("tuneledger.credentials", "target/dev-credentials.properties"));
        Properties properties = new Properties();
        try (var in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(file + " is missing: `mvn package` writes the development users", e);
        }
        return properties;
    }

    /** The Authorization header of {@code role}'s development user. */
    protected static String basicAuth(String role) {
        return basicAuth(CREDENTIALS.getProperty(role + ".user"), CREDENTIALS.getProperty(role + ".password"));
    }

    protected static String basicAuth(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The server this thread's requests go to: the suite's, unless {@link #on} says another. */
    private static final ThreadLocal<String> SERVER = ThreadLocal.withInitial(() -> BASE_URL);

    /** Runs {@code action} with the requests of this thread sent to the server at {@code url}. */
    protected static <T> T on(String url, Callable<T> action) throws Exception {
        String before = SERVER.get();
        SERVER.set(url);
        try {
            return action.call();
        } finally {
            SERVER.set(before);
        }
    }

    /** Runs {@code action} with the requests of this thread authenticated as {@code role}'s user. */
    protected static <T> T as(String role, Callable<T> action) throws Exception {
        String before = ROLE.get();
        ROLE.set(role);
        try {
            return action.call();
        } finally {
            ROLE.set(before);
        }
    }


    /** A response: status and parsed JSON body (null when the body is empty). */
    protected record Reply(int status, JsonStructure json, String text, java.net.http.HttpHeaders headers) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        JsonObject object() {
            return json.asJsonObject();
        }

        JsonArray array() {
            return json.asJsonArray();
        }
    }

    protected static Reply get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(SERVER.get() + path)).GET());
    }

    /** GETs a JSON Lines resource and parses its lines; asserts a 200. */
    protected static List<JsonObject> getLines(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(SERVER.get() + path))
                .header("Authorization", basicAuth(ROLE.get())).header("Accept", "application/x-ndjson")
                .timeout(Duration.ofSeconds(120)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> path + ": " + response.body());
        return response.body().lines().filter(l -> !l.isBlank()).map(l -> {
            try (JsonReader r = Json.createReader(new StringReader(l))) {
                return r.readObject();
            }
        }).toList();
    }

    /** The manifest of a dataset version ({@code latest} for the newest); asserts a 200. */
    protected static JsonObject manifest(String dataset, String version) throws IOException, InterruptedException {
        Reply reply = get("/api/datasets/" + dataset + "/versions/" + version);
        assertEquals(200, reply.status(), reply::text);
        return reply.object();
    }

    /** Every record of the train, validation and test splits of a version. */
    protected static List<JsonObject> datasetRecords(String dataset, String version)
            throws IOException, InterruptedException {
        List<JsonObject> all = new java.util.ArrayList<>();
        for (String split : List.of("train", "validation", "test")) {
            all.addAll(getLines("/api/datasets/" + dataset + "/versions/" + version + "/records?split=" + split));
        }
        return all;
    }

    protected static Reply post(String path, JsonObject body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(SERVER.get() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body.toString())));
    }

    /** POSTs {@code body} with an {@code Idempotency-Key} header. */
    protected static Reply postWithKey(String path, JsonObject body, String key)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(SERVER.get() + path))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    protected static Reply postRaw(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(SERVER.get() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request.header("Authorization", basicAuth(ROLE.get()))
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        String text = response.body();
        JsonStructure json = null;
        if (text != null && !text.isBlank() && (text.startsWith("{") || text.startsWith("["))) {
            try (JsonReader reader = Json.createReader(new StringReader(text))) {
                json = reader.read();
            }
        }
        return new Reply(response.statusCode(), json, text, response.headers());
    }

    /** A download: status, content type, the bytes, and the report hash header when there is one. */
    protected record Download(int status, String contentType, byte[] body, String reportSha256) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** GETs {@code path} asking for {@code accept}, as this thread's user. */
    protected static Download download(String path, String accept) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(SERVER.get() + path))
                .header("Authorization", basicAuth(ROLE.get())).header("Accept", accept)
                .timeout(Duration.ofSeconds(120)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Download(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body(), response.headers().firstValue("X-Report-SHA256").orElse(""));
    }

    /** Audit events of {@code subject} ({@code type} or {@code type:id}; empty: all), newest first; asserts a 200. */
    protected static List<JsonObject> events(String subject) throws IOException, InterruptedException {
        String q = subject.isEmpty() ? "" : "&subject=" + URLEncoder.encode(subject, StandardCharsets.UTF_8)
                .replace("+", "%20");
        Reply reply = get("/api/audit?limit=1000" + q);
        assertEquals(200, reply.status(), reply::text);
        return reply.object().getJsonArray("events").stream().map(JsonValue::asJsonObject).toList();
    }

    protected static JsonObject parameters(Map<String, String> values) {
        var params = Json.createObjectBuilder();
        values.forEach(params::add);
        return Json.createObjectBuilder().add("parameters", params).build();
    }

    /** Starts {@code job}; asserts the 202 and returns the launch answer. */
    protected static JsonObject startJob(String job, Map<String, String> params) throws Exception {
        Reply reply = post("/api/jobs/" + job + "/executions", parameters(params));
        assertEquals(202, reply.status(), () -> "start " + job + ": " + reply.text());
        return reply.object();
    }

    /** Restarts an execution; asserts the 202 and returns the launch answer. */
    protected static JsonObject restart(long executionId, Map<String, String> overrides) throws Exception {
        Reply reply = post("/api/executions/" + executionId + "/restart", parameters(overrides));
        assertEquals(202, reply.status(), () -> "restart " + executionId + ": " + reply.text());
        return reply.object();
    }

    /** Polls an execution until it ends, failing the test with its last state when {@code timeout} passes first. */
    protected static JsonObject awaitEnd(long executionId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonObject last = null;
        while (System.nanoTime() < deadline) {
            Reply reply = get("/api/executions/" + executionId);
            assertEquals(200, reply.status(), () -> "execution " + executionId + ": " + reply.text());
            last = reply.object();
            if (FINAL.contains(last.getString("batchStatus"))) {
                return last;
            }
            Thread.sleep(250);
        }
        return fail("execution " + executionId + " did not end within " + timeout + "; last seen: " + last);
    }

    /**
     * Training settings for the tests of mechanics (stop, restart, kill, gate, retention, the console, the CLI): the
     * least work that still runs every step of the job. One epoch of 8-token texts in batches of 64 is 9 updates on
     * the sample's 545 training records, with a checkpoint every 2.
     */
    protected static final Map<String, String> MECHANICS = Map.of("train.epochs", "1", "train.max.length", "8",
            "train.batch.size", "64", "train.learning.rate", "3e-4", "checkpoint.every.steps", "2");

    private static String sampleDataset;

    /**
     * A dataset of the bundled sample, prepared on first use and shared by the tests that only train on it (each under
     * its own model name), so that the suite prepares it once.
     */
    protected static synchronized String sampleDataset() throws Exception {
        if (sampleDataset == null) {
            String name = unique("sample");
            prepare(name);
            sampleDataset = name;
        }
        return sampleDataset;
    }

    /** The parameter named by the first error of a 400 answer. */
    protected static String firstErrorParameter(Reply reply) {
        assertEquals(400, reply.status(), reply::text);
        return reply.object().getJsonArray("errors").getJsonObject(0).getString("parameter");
    }

    /** Prepares a dataset of the bundled sample named {@code dataset}. */
    protected static void prepare(String dataset) throws Exception {
        JsonObject done = awaitEnd(startJob("prepare-dataset", Map.of("dataset.name", dataset, "input.path", SAMPLE))
                .getJsonNumber("executionId").longValue(), Duration.ofMinutes(5));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
    }

    /** Polls until the train step of an execution has done at least {@code steps} updates. */
    protected static int awaitTrainingSteps(long executionId, int steps) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject e = get("/api/executions/" + executionId).object();
            for (JsonValue v : e.getJsonArray("steps")) {
                JsonObject s = v.asJsonObject();
                if (s.getString("stepName").equals("train") && s.get("progress") instanceof JsonObject p
                        && p.getInt("done") >= steps) {
                    return p.getInt("done");
                }
            }
            if (!e.getString("batchStatus").equals("STARTED") && !e.getString("batchStatus").equals("STARTING")) {
                throw new AssertionError("execution " + executionId + " ended before step " + steps + ": " + e);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("execution " + executionId + " did not reach training step " + steps);
    }

    /** {@code base} with the {@code pairs} (name, value, ...) added or replaced. */
    protected static Map<String, String> with(Map<String, String> base, String... pairs) {
        Map<String, String> m = new HashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** The SHA-256 of a file, in hex. */
    protected static String sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update(Files.readAllBytes(file));
        return HexFormat.of().formatHex(d.digest());
    }

    /** The step of an execution named {@code stepName}. */
    protected static JsonObject step(JsonObject execution, String stepName) {
        return execution.getJsonArray("steps").stream().map(JsonValue::asJsonObject)
                .filter(s -> s.getString("stepName").equals(stepName)).findFirst()
                .orElseGet(() -> fail("no step " + stepName + " in " + execution));
    }

    protected static long metric(JsonObject step, String name) {
        return step.getJsonObject("metrics").getJsonNumber(name).longValue();
    }

    /** The server's data store (tuneledger.home) as provisioned in target/server. */
    protected static Path storeHome() {
        return Path.of(System.getProperty("jboss.home"), "standalone", "data", "tuneledger");
    }

    /** Reads a JSONL file into objects. */
    protected static List<JsonObject> readJsonl(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(l -> {
            try (JsonReader r = Json.createReader(new StringReader(l))) {
                return r.readObject();
            }
        }).toList();
    }

    /** The ids of the bundled sample, in file order. */
    protected static List<String> sampleIds() throws IOException {
        Path sample = Path.of("samples", SAMPLE);
        return readJsonl(sample).stream().map(o -> o.getString("id")).toList();
    }

    /** A record of an input file made from the sample: the sample's mail and how many times it came before. */
    protected interface Line {
        JsonObject of(int round, JsonObject mail);
    }

    /** {@code records} lines in the inbox, made from the sample's mails in turn. */
    protected static Path writeInput(String prefix, int records, Line line) throws Exception {
        Path inbox = storeHome().resolve("inbox");
        Files.createDirectories(inbox);
        Path file = inbox.resolve(prefix + "-" + System.nanoTime() + ".jsonl");
        List<JsonObject> sample = readJsonl(Path.of("samples", SAMPLE));
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < records; i++) {
                w.write(line.of(i / sample.size(), sample.get(i % sample.size())).toString());
                w.write('\n');
            }
        }
        return file;
    }

    /** What a run of bin/tuneledger printed, and its exit code. */
    protected record Run(int exit, String out, String err) {
        JsonObject json() {
            try (var r = Json.createReader(new StringReader(out))) {
                return r.readObject();
            }
        }
    }

    /** Runs bin/tuneledger against the tests' server ({@code env} added to its environment) and waits for it. */
    protected static Run cli(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bin/tuneledger"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("TUNELEDGER_URL", BASE_URL);
        pb.environment().put("TUNELEDGER_POLL_SECONDS", "1");
        pb.environment().putAll(env);
        Process p = pb.start();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "bin/tuneledger " + String.join(" ", args) + " ended");
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    protected static Run cli(String... args) throws Exception {
        return cli(Map.of(), args);
    }
}
