package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three servers on one PostgreSQL database, one data store and one broker: the suite's server (which embeds the
 * broker) and two more started here from the same installation (base directories of their own, port offsets 100 and
 * 200, the names {@code node-b} and {@code node-c}, 6-second leases), as {@code bin/tuneledger cluster start} starts
 * them. Only on PostgreSQL: the embedded H2 database belongs to one process.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Tag(AbstractIT.DATABASE)
class ClusterIT extends AbstractIT {

    private static final int OFFSET = 100;
    private static final String SECOND = "https://localhost:" + (8443 + OFFSET);
    private static final String SECOND_NAME = "node-b";
    private static final String THIRD_NAME = "node-c";

    /** Score records: 6 partitions of 100, in batches of 8 (a checkpoint each). */
    private static final int SCORE_RECORDS = 600;

    /** Training that runs until it is stopped or killed: 100 epochs of {@link #MECHANICS}' 9 updates. */
    private static final Map<String, String> LONG = with(MECHANICS, "train.epochs", "100");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    /**
     * One scenario, to start the extra servers once: a training runs on the suite's server while a second server
     * starts; the stop asked of the second reaches it, and a third server starts. A score job of 6 partitions then goes over the broker (embedded
     * in the suite's server) to the workers of all three, and the ledger names the server of each; the third server
     * is killed while it holds a partition that has committed checkpoints, the broker hands that partition to another
     * server, which resumes it from its last checkpoint, and the output is byte for byte that of the same job run on
     * one server (before the others started: its partitions in the suite server's own threads). Ledger appends from
     * two servers at once keep one chain; the second server is killed while it trains and the first takes that
     * execution over once its lease has expired.
     */
    @Test
    void serversShareTheDatabaseAndThePartitionsOfAJobAndTakeOverOnlyWhatADeadServerLeft() throws Exception {
        String data = sampleDataset();
        String model = unique("cluster-score");
        JsonObject trained = awaitEnd(id(startJob("fine-tune", with(MECHANICS, "dataset.name", data,
                "model.name", model))), Duration.ofMinutes(5));
        assertEquals("COMPLETED", trained.getString("batchStatus"), trained::toString);
        Path input = writeInput("cluster-score", SCORE_RECORDS, (round, m) -> Json.createObjectBuilder()
                .add("id", round + "/" + m.getString("id")).add("text", m.getString("text")).build());
        Map<String, String> score = Map.of("model.name", model, "model.version", "1", "input.path",
                input.getFileName().toString(), "score.batch.size", "8", "score.partitions", "6");
        JsonObject alone = awaitEnd(id(startJob("score", with(score, "output.path", model + "-alone.jsonl"))),
                Duration.ofMinutes(10));
        assertEquals("COMPLETED", alone.getString("batchStatus"), alone::toString);
        assertTrue(events("job-execution:" + id(alone)).stream()
                .noneMatch(e -> e.getString("action").startsWith("partition.")), "one server: no dispatch");

        String first = get("/api/system").object().getString("server");
        long onFirst = id(startJob("fine-tune", with(LONG, "dataset.name", data, "model.name", unique("cluster-a"))));
        awaitTrainingSteps(onFirst, 2);
        Process second = startServer(SECOND_NAME, OFFSET);
        Process third = null;
        try {
            awaitServer(second, SECOND_NAME, OFFSET);
            // The second server's start (its recovery runs at deployment) left the first one's execution running.
            JsonObject running = get("/api/executions/" + onFirst).object();
            assertEquals("STARTED", running.getString("batchStatus"), running::toString);
            assertTrue(events("job-execution:" + onFirst).stream()
                    .noneMatch(e -> e.getString("action").equals("job.recovered")), "not taken for crashed");
            JsonObject system = on(SECOND, () -> get("/api/system").object());
            assertEquals(SECOND_NAME, system.getString("server"));
            List<String> live = system.getJsonArray("servers").stream().map(JsonValue::asJsonObject)
                    .filter(s -> s.getBoolean("live")).map(s -> s.getString("name")).toList();
            assertTrue(live.containsAll(List.of(first, SECOND_NAME)), () -> "both servers live: " + system);
            assertEquals("STARTED", on(SECOND, () -> get("/api/executions/" + onFirst).object())
                    .getString("batchStatus"), "the second server reads the first one's execution");

            // A stop asked of the second server reaches the first, which runs the execution (at its next heartbeat).
            Reply stop = on(SECOND, () -> post("/api/executions/" + onFirst + "/stop", null));
            assertEquals(202, stop.status(), stop::text);
            third = startServer(THIRD_NAME, 2 * OFFSET);
            JsonObject stopped = awaitEnd(onFirst, Duration.ofMinutes(2));
            assertEquals("STOPPED", stopped.getString("batchStatus"), stopped::toString);
            assertEquals(first, started(onFirst).getString("server"));
            awaitServer(third, THIRD_NAME, 2 * OFFSET);

            scoreOverTheBrokerWhileAServerDies(score, model + "-alone.jsonl", model + "-cluster.jsonl", third);
            stopAndRestartAScoreJobOverTheBroker(score, model + "-alone.jsonl", model + "-stopped.jsonl");

            // Ledger appends from two servers at once: retention dry runs launched on each, concurrently.
            ExecutorService clients = Executors.newFixedThreadPool(2);
            try {
                List<Future<List<Long>>> launches = new ArrayList<>();
                for (String server : List.of(BASE_URL, SECOND)) {
                    launches.add(clients.submit(() -> on(server, () -> {
                        List<Long> ids = new ArrayList<>();
                        for (int i = 0; i < 4; i++) {
                            ids.add(id(startJob("retention", Map.of("older.than.days", "36500", "dry.run", "true"))));
                        }
                        for (long id : ids) {
                            assertEquals("COMPLETED", awaitEnd(id, Duration.ofMinutes(2)).getString("batchStatus"));
                        }
                        return ids;
                    })));
                }
                for (Future<List<Long>> launched : launches) {
                    assertEquals(4, launched.get().size());
                }
            } finally {
                clients.shutdownNow();
            }
            JsonObject verified = get("/api/audit/verify").object();
            assertTrue(verified.getBoolean("valid"), verified::toString);

            // The second server runs a training and is killed: the first takes it over once its lease has expired.
            long onSecond = on(SECOND, () -> {
                long id = id(startJob("fine-tune", with(LONG, "dataset.name", data, "model.name",
                        unique("cluster-b"))));
                awaitTrainingSteps(id, 2);
                return id;
            });
            assertEquals(SECOND_NAME, started(onSecond).getString("server"), "the ledger names the server");
            kill(second);
            JsonObject recovered = awaitRecovered(onSecond, Duration.ofSeconds(90));
            assertEquals(SECOND_NAME, recovered.getString("server"), recovered::toString);
            assertEquals(first, recovered.getString("recoveredBy"));
            JsonObject crashed = get("/api/executions/" + onSecond).object();
            assertEquals("FAILED", crashed.getString("batchStatus"), crashed::toString);
            assertEquals("CRASHED", crashed.getString("exitStatus"));
            assertEquals("FAILED", step(crashed, "train").getString("batchStatus"));
            Reply abandoned = post("/api/executions/" + onSecond + "/abandon", null);
            assertEquals(200, abandoned.status(), abandoned::text);
            assertTrue(get("/api/audit/verify").object().getBoolean("valid"));
        } finally {
            kill(second);
            if (third != null) {
                kill(third);
            }
        }
    }

    /**
     * The score job launched on the suite's server with three servers live: its 6 partitions run on several of them;
     * {@code victim} is killed once a partition it runs has committed two batches.
     */
    private static void scoreOverTheBrokerWhileAServerDies(Map<String, String> score, String aloneOutput,
            String clusterOutput, Process victimServer) throws Exception {
        JsonObject launched = startJob("score", with(score, "output.path", clusterOutput));
        long scoring = id(launched);
        Path parts = storeHome().resolve("runs").resolve(Long.toString(launched.getJsonNumber("instanceId")
                .longValue())).resolve("score");
        int victim = -1;
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (victim < 0 && System.nanoTime() < deadline) {
            for (JsonObject e : events("job-execution:" + scoring)) {
                JsonObject d = e.getJsonObject("details");
                if (e.getString("action").equals("partition.started") && d.getString("server").equals(THIRD_NAME)
                        && lines(parts.resolve("part-" + d.getInt("partition") + ".jsonl")) >= 16) {
                    victim = d.getInt("partition");
                }
            }
            Thread.sleep(50);
        }
        assertTrue(victim >= 0, "the third server ran a partition: " + events("job-execution:" + scoring));
        long before = lines(parts.resolve("part-" + victim + ".jsonl"));
        assertTrue(before < SCORE_RECORDS / 6, "killed while its partition ran: " + before + " lines");
        kill(victimServer);

        JsonObject done = awaitEnd(scoring, Duration.ofMinutes(10));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        Path outbox = storeHome().resolve("outbox");
        assertEquals(sha256(outbox.resolve(aloneOutput)), sha256(outbox.resolve(clusterOutput)),
                "the same predictions as on one server, each record once");
        List<JsonObject> started = events("job-execution:" + scoring).stream()
                .filter(e -> e.getString("action").equals("partition.started"))
                .map(e -> e.getJsonObject("details")).toList();
        assertTrue(started.stream().map(d -> d.getString("server")).distinct().count() >= 2,
                () -> "partitions ran on several servers: " + started);
        int killed = victim;
        JsonObject again = started.stream().filter(d -> d.getInt("partition") == killed
                && !d.getString("server").equals(THIRD_NAME)).findFirst()
                .orElseGet(() -> fail("partition " + killed + " ran again elsewhere: " + started));
        assertTrue(again.getBoolean("resumed"), () -> "from its checkpoint: " + again);
        assertEquals(6, events("job-execution:" + scoring).stream()
                .filter(e -> e.getString("action").equals("partition.ended")).count(), "each partition ended once");
        assertTrue(get("/api/audit/verify").object().getBoolean("valid"));
    }

    /**
     * A dispatched score job stopped once the second server runs one of its partitions: it ends STOPPED (the stop
     * reaches the partitions on the other server through the job repository), and its restart completes with the
     * one-server run's output.
     */
    private static void stopAndRestartAScoreJobOverTheBroker(Map<String, String> score, String aloneOutput,
            String output) throws Exception {
        long scoring = id(startJob("score", with(score, "output.path", output)));
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline && events("job-execution:" + scoring).stream()
                .noneMatch(e -> e.getString("action").equals("partition.started")
                        && e.getJsonObject("details").getString("server").equals(SECOND_NAME))) {
            Thread.sleep(50);
        }
        Reply stop = post("/api/executions/" + scoring + "/stop", null);
        assertEquals(202, stop.status(), stop::text);
        JsonObject stopped = awaitEnd(scoring, Duration.ofMinutes(2));
        assertEquals("STOPPED", stopped.getString("batchStatus"), stopped::toString);
        assertTrue(events("job-execution:" + scoring).stream().anyMatch(e -> e.getString("action")
                .equals("partition.ended") && e.getJsonObject("details").getString("server").equals(SECOND_NAME)
                && e.getJsonObject("details").getString("batchStatus").equals("STOPPED")),
                "the second server's partition stopped");
        JsonObject restarted = awaitEnd(id(restart(scoring, Map.of())), Duration.ofMinutes(10));
        assertEquals("COMPLETED", restarted.getString("batchStatus"), restarted::toString);
        Path outbox = storeHome().resolve("outbox");
        assertEquals(sha256(outbox.resolve(aloneOutput)), sha256(outbox.resolve(output)),
                "stopped and restarted: the same predictions as on one server");
    }

    private static long lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Stream<String> s = Files.lines(file)) {
            return s.count();
        }
    }

    private static long id(JsonObject launched) {
        return launched.getJsonNumber("executionId").longValue();
    }

    /** The details of an execution's start event. */
    private static JsonObject started(long executionId) throws Exception {
        return events("job-execution:" + executionId).stream().filter(e -> e.getString("action").equals("job.started"))
                .findFirst().orElseGet(() -> fail("no job.started event of " + executionId)).getJsonObject("details");
    }

    /** Polls the ledger until the execution's {@code job.recovered} event is there; answers its details. */
    private static JsonObject awaitRecovered(long executionId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonObject e : events("job-execution:" + executionId)) {
                if (e.getString("action").equals("job.recovered")) {
                    return e.getJsonObject("details");
                }
            }
            Thread.sleep(500);
        }
        return fail("execution " + executionId + " was not taken over within " + timeout + ": "
                + get("/api/executions/" + executionId).text());
    }

    /**
     * Starts another server: the suite's installation with a base directory of its own (a copy of the suite server's
     * configuration: users, TLS, datasource, the broker's address), the suite server's data store and ledger keys,
     * and the WAR; its name and port offset as given, a 6-second lease.
     */
    private static Process startServer(String name, int offset) throws Exception {
        Path home = Path.of(System.getProperty("jboss.home")).toAbsolutePath();
        Path base = home.resolveSibling("cluster-it").resolve(name);
        deleteTree(base);
        Path configuration = home.resolve("standalone/configuration");
        try (Stream<Path> files = Files.walk(configuration)) {
            for (Path from : files.filter(p -> !p.toString().contains("standalone_xml_history")).toList()) {
                Path to = base.resolve("configuration").resolve(configuration.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        // The suite server's own deployment (Arquillian's, recorded in its configuration) is not the second's.
        Path xml = base.resolve("configuration/standalone.xml");
        Files.writeString(xml, Files.readString(xml).replaceAll("(?s)<deployments>.*?</deployments>", ""));
        Files.createDirectories(base.resolve("deployments"));
        Files.copy(Path.of(System.getProperty("tuneledger.war")), base.resolve("deployments/tuneledger.war"));
        Path log = base.resolve("console.log");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/standalone.sh").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JBOSS_BASE_DIR", base.toString());
        pb.environment().put("TUNELEDGER_HOME", storeHome().toAbsolutePath().toString());
        pb.environment().put("JAVA_OPTS", "-Xms256m -Xmx2g -Djava.net.preferIPv4Stack=true"
                + " -Djboss.node.name=" + name + " -Djboss.tx.node.id=" + name
                + " -Djboss.socket.binding.port-offset=" + offset + " -Dtuneledger.lease.seconds=6"
                + " -Dtuneledger.ledger.dir=" + configuration.resolve("tuneledger")
                + " -Dtuneledger.ledger.anchor.file=" + base.resolve("ledger-anchors.jsonl"));
        return pb.start();
    }

    /** Waits until the server started by {@link #startServer} answers. */
    private static Process awaitServer(Process server, String name, int offset) throws Exception {
        String url = "https://localhost:" + (8443 + offset);
        Path log = Path.of(System.getProperty("jboss.home")).toAbsolutePath().resolveSibling("cluster-it")
                .resolve(name).resolve("console.log");
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                fail("server " + name + " exited: " + tail(log));
            }
            try {
                if (on(url, () -> get("/api/system").status()) == 200) {
                    return server;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        kill(server);
        return fail("server " + name + " did not answer within 4 minutes: " + tail(log));
    }

    /** SIGKILL to the server's JVM (standalone.sh's child) and the script. */
    private static void kill(Process server) throws Exception {
        for (ProcessHandle p : server.descendants().toList()) {
            p.destroyForcibly();
            p.onExit().get();
        }
        server.destroyForcibly();
        server.waitFor();
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
