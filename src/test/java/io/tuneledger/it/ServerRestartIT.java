package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A failed execution and its checkpoint survive a full server stop and start (JBeret's JDBC job repository), and
 * the restart on the new server resumes from that checkpoint. Runs in its own failsafe execution, on the manual
 * container, because it stops and starts the server itself.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ServerRestartIT extends ManualServerIT {

    @Test
    void failedExecutionIsRestartedFromItsCheckpointAfterServerStopAndStart() throws Exception {
        startServer();
        try {
            JsonObject launched = startJob(FaultInjectionJob.NAME,
                    Map.of("dataset.name", "server-restart-it", "input.path", SAMPLE, "fail.at.item", "175"));
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
        } finally {
            stopServer();
        }
    }
}
