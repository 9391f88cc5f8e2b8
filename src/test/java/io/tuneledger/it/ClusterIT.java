package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
 * Two servers on one PostgreSQL database and one data store: the suite's server and a second one started here from
 * the same installation (its own base directory, port offset 100, the name {@code node-b}, a 6-second lease), as
 * {@code bin/tuneledger cluster start} starts them. A server that starts leaves the other's running execution alone;
 * a stop asked of one server reaches the execution the other runs; ledger appends from both keep one valid chain; and
 * when the second server is killed, the first takes its running execution over once the lease has expired. Only on
 * PostgreSQL: the embedded H2 database belongs to one process.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Tag(AbstractIT.DATABASE)
class ClusterIT extends AbstractIT {

    private static final int OFFSET = 100;
    private static final String SECOND = "https://localhost:" + (8443 + OFFSET);
    private static final String SECOND_NAME = "node-b";

    /** Training that runs until it is stopped or killed: 100 epochs of {@link #MECHANICS}' 9 updates. */
    private static final Map<String, String> LONG = with(MECHANICS, "train.epochs", "100");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    @Test
    void serversShareTheDatabaseAndTakeOverOnlyWhatADeadServerLeft() throws Exception {
        String data = unique("cluster-data");
        prepare(data);
        String first = get("/api/system").object().getString("server");
        long onFirst = id(startJob("fine-tune", with(LONG, "dataset.name", data, "model.name", unique("cluster-a"))));
        awaitTrainingSteps(onFirst, 2);

        Process second = startSecondServer();
        try {
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

            // A stop asked of the second server reaches the first, which runs the execution (at its next heartbeat;
            // checked below).
            Reply stop = on(SECOND, () -> post("/api/executions/" + onFirst + "/stop", null));
            assertEquals(202, stop.status(), stop::text);

            // Ledger appends from both servers at once: retention dry runs launched on each, concurrently.
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
            JsonObject stopped = awaitEnd(onFirst, Duration.ofMinutes(2));
            assertEquals("STOPPED", stopped.getString("batchStatus"), stopped::toString);
            assertEquals(SECOND_NAME, started(onSecond).getString("server"), "the ledger names the server");
            assertEquals(first, started(onFirst).getString("server"));
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
     * Starts the second server: the suite's installation with a base directory of its own (a copy of the suite
     * server's configuration: users, TLS, datasource), the suite server's data store and ledger keys, and the WAR.
     */
    private static Process startSecondServer() throws Exception {
        Path home = Path.of(System.getProperty("jboss.home")).toAbsolutePath();
        Path base = home.resolveSibling("cluster-it").resolve(SECOND_NAME);
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
                + " -Djboss.node.name=" + SECOND_NAME + " -Djboss.tx.node.id=" + SECOND_NAME
                + " -Djboss.socket.binding.port-offset=" + OFFSET + " -Dtuneledger.lease.seconds=6"
                + " -Dtuneledger.ledger.dir=" + configuration.resolve("tuneledger")
                + " -Dtuneledger.ledger.anchor.file=" + base.resolve("ledger-anchors.jsonl"));
        Process server = pb.start();
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                fail("the second server exited: " + tail(log));
            }
            try {
                if (on(SECOND, () -> get("/api/system").status()) == 200) {
                    return server;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        kill(server);
        return fail("the second server did not answer within 4 minutes: " + tail(log));
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
