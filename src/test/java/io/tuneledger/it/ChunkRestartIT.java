package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Restart from a checkpoint. The ingest step (chunks of 50) fails on purpose after writing the chunk that holds
 * line 125: lines 101-150 are on disk but not committed. The restart must resume after line 100 and leave every
 * input record in the output exactly once.
 */
@Tag(AbstractIT.DATABASE)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ChunkRestartIT extends AbstractIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    @Test
    void failureAtItem125ResumesAfterCheckpoint100AndWritesNothingTwice() throws Exception {
        JsonObject launched = startJob(FaultInjectionJob.NAME,
                Map.of("dataset.name", "restart-it", "input.path", SAMPLE, "fail.at.item", "125"));
        long first = launched.getJsonNumber("executionId").longValue();
        JsonObject failed = awaitEnd(first, Duration.ofMinutes(2));
        assertEquals("FAILED", failed.getString("batchStatus"), failed::toString);
        JsonObject failedStep = step(failed, "ingest");
        assertEquals("FAILED", failedStep.getString("batchStatus"));
        assertEquals(100, metric(failedStep, "writeCount"), "two chunks of 50 committed before the failure");
        Path accepted = storeHome().resolve("staging").resolve(launched.get("instanceId").toString())
                .resolve("accepted.jsonl");
        assertEquals(150, readJsonl(accepted).size(), "the failed chunk was written but not committed");
        JsonObject stepFailed = events("job-execution:" + first).stream()
                .filter(e -> e.getString("action").equals("step.failed")).findFirst()
                .orElseThrow(() -> new AssertionError("no step.failed event")).getJsonObject("details");
        assertEquals("ingest", stepFailed.getString("step"));
        assertTrue(stepFailed.getString("message").contains("Failure injected by the test"), stepFailed::toString);

        JsonObject restarted = restart(first, Map.of("fail.at.item", "0"));
        long second = restarted.getJsonNumber("executionId").longValue();
        assertTrue(second != first);
        assertEquals(launched.getJsonNumber("instanceId"), restarted.getJsonNumber("instanceId"), "same job instance");
        JsonObject done = awaitEnd(second, Duration.ofMinutes(2));
        assertEquals("COMPLETED", done.getString("batchStatus"), done::toString);
        JsonObject ingest = step(done, "ingest");
        int total = sampleIds().size();
        assertEquals(total - 100, metric(ingest, "readCount"), "the restart read only the lines after 100");
        assertEquals(total - 100, metric(ingest, "writeCount"));

        List<JsonObject> output = readJsonl(accepted);
        assertEquals(sampleIds(), output.stream().map(o -> o.getString("id")).toList(),
                "each record exactly once, in input order");
        assertEquals(LongStream.rangeClosed(1, total).boxed().toList(),
                output.stream().map(o -> o.getJsonNumber("line").longValue()).toList());
    }
}
