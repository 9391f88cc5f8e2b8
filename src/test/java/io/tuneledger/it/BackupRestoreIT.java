package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Backup and restore as docs/operations.md describes them: the stopped server is backed up with
 * {@code bin/tuneledger backup}, its database, data store and ledger keys are lost, {@code bin/tuneledger restore}
 * puts them back, and the server started again has a ledger that verifies, a model version that scores the same file
 * to the same bytes, and a job that was STOPPED before the backup, which now restarts and completes.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Tag(AbstractIT.DATABASE)
class BackupRestoreIT extends ManualServerIT {

    /** bin/tuneledger on the manual container's server. */
    private static Run onServer(String... args) throws Exception {
        return cli(Map.of("TUNELEDGER_SERVER_HOME", System.getProperty("jboss.home")), args);
    }

    private static long id(JsonObject launched) {
        return launched.getJsonNumber("executionId").longValue();
    }

    private static byte[] score(String model, String output) throws Exception {
        JsonObject done = awaitEnd(id(startJob("score", Map.of("model.name", model, "model.version", "1",
                "input.path", SAMPLE, "output.path", output))), Duration.ofMinutes(10));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        return Files.readAllBytes(storeHome().resolve("outbox").resolve(output));
    }

    /**
     * The loss of a server: its database, data store and ledger keys and anchors gone, as after a disk failure. Also
     * how the test starts: from a new installation, so that the backup holds this test's data and not the gigabytes
     * of models and training states that the tests before it left in the server.
     */
    private static void wipe() throws Exception {
        Path server = Path.of(System.getProperty("jboss.home"));
        if ("postgresql".equals(System.getProperty("tuneledger.db"))) {
            PostgresqlReset.main(new String[0]);
        }
        for (Path gone : List.of(server.resolve("standalone/data/tuneledger"),
                server.resolve("standalone/data/tuneledger-db"), server.resolve("standalone/configuration/tuneledger"))) {
            assertEquals(0, new ProcessBuilder("rm", "-rf", gone.toString()).start().waitFor());
        }
    }

    @Test
    void aRestoredServerVerifiesItsLedgerScoresAlikeAndFinishesAJobStoppedBeforeTheBackup() throws Exception {
        if (controller.isStarted(CONTAINER)) {
            controller.stop(CONTAINER);
        }
        wipe();
        startServer();
        String data = unique("backup-data");
        prepare(data);
        String model = unique("backup-model");
        assertEquals("COMPLETED", awaitEnd(id(startJob("fine-tune", with(MECHANICS, "dataset.name", data,
                "model.name", model))), Duration.ofMinutes(10)).getString("batchStatus"));
        byte[] before = score(model, model + "-before.jsonl");
        long stopped = id(startJob("fine-tune", with(MECHANICS, "dataset.name", data, "model.name",
                unique("backup-stopped"))));
        awaitTrainingSteps(stopped, 2);
        assertEquals(202, postRaw("/api/executions/" + stopped + "/stop", "").status());
        assertEquals("STOPPED", awaitEnd(stopped, Duration.ofMinutes(5)).getString("batchStatus"));
        JsonObject verified = get("/api/audit/verify").object();
        assertTrue(verified.getBoolean("valid"), verified::toString);
        long events = verified.getJsonNumber("events").longValue();

        controller.stop(CONTAINER);
        Path backup = Path.of("target", "backup-" + RUN);
        Run made = onServer("backup", backup.toString());
        assertEquals(0, made.exit(), made.out() + made.err());
        assertTrue(Files.exists(backup.resolve("SHA256SUMS")) && Files.exists(backup.resolve("ledger.tar")));
        Run refused = onServer("restore", backup.toString());
        assertEquals(1, refused.exit(), "a server with data of its own is not overwritten without --replace");
        assertTrue(refused.err().contains("--replace"), refused.err());

        // The loss: the database, the data store and the ledger's keys and anchors are gone.
        wipe();
        Run restored = onServer("restore", backup.toString());
        assertEquals(0, restored.exit(), restored.out() + restored.err());

        controller.start(CONTAINER);
        JsonObject after = get("/api/audit/verify").object();
        assertTrue(after.getBoolean("valid"), after::toString);
        assertTrue(after.getJsonNumber("events").longValue() > events, "the restored chain, then this boot: "
                + after);
        assertArrayEquals(before, score(model, model + "-after.jsonl"), "the restored model scores alike");
        JsonObject finished = awaitEnd(id(restart(stopped, Map.of())), Duration.ofMinutes(10));
        assertEquals("COMPLETED", finished.getString("batchStatus"), finished::toString);
        assertTrue(get("/api/audit/verify").object().getBoolean("valid"));
        assertEquals(0, new ProcessBuilder("rm", "-rf", backup.toString()).start().waitFor());
    }
}
