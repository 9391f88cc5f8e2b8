package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code bin/tuneledger} as a scheduler runs it: every documented exit code from a real execution (0 completed,
 * 2 bad parameters, 3 failed, 4 stopped, 5 abandoned, 6 not authorised or unreachable, 7 gate failed), and an
 * idempotency key that makes a re-run wait for the same execution.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CliIT extends AbstractIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    @Test
    void exitCodesFollowTheExecutionsOutcome() throws Exception {
        String dataset = unique("cli-it");
        Run done = cli("start", "prepare-dataset", "-p", "dataset.name=" + dataset, "-p", "input.path=" + SAMPLE,
                "--idempotency-key", dataset, "--wait", "--json");
        assertEquals(0, done.exit(), done.err());
        assertEquals("COMPLETED", done.json().getString("batchStatus"));
        long id = done.json().getJsonNumber("executionId").longValue();
        Run again = cli("start", "prepare-dataset", "-p", "dataset.name=" + dataset, "-p", "input.path=" + SAMPLE,
                "--idempotency-key", dataset, "--wait", "--json");
        assertEquals(0, again.exit(), again.err());
        assertEquals(id, again.json().getJsonNumber("executionId").longValue(), "the re-run got the same execution");
        assertEquals(0, cli("status", Long.toString(id)).exit());

        Run invalid = cli("start", "prepare-dataset", "-p", "no.such.parameter=1");
        assertEquals(2, invalid.exit(), invalid.err());
        assertTrue(invalid.err().contains("no.such.parameter"), invalid.err());
        assertEquals(2, cli("start").exit(), "usage error");

        Run failed = cli("start", "ingest-fault-test", "-p", "dataset.name=" + unique("cli-fail"),
                "-p", "input.path=" + SAMPLE, "-p", "fail.at.item=10", "--wait");
        assertEquals(3, failed.exit(), failed.err());

        Run slow = cli("start", "prepare-dataset", "-p", "dataset.name=" + unique("cli-stop"),
                "-p", "input.path=" + SAMPLE, "-p", "checkpoint.every.records=1", "--json");
        assertEquals(0, slow.exit(), slow.err());
        String stopId = slow.json().getJsonNumber("executionId").toString();
        Run stop = cli("stop", stopId);
        assertEquals(0, stop.exit(), stop.err());
        JsonObject stopped = awaitEnd(Long.parseLong(stopId), Duration.ofMinutes(5));
        assertEquals("STOPPED", stopped.getString("batchStatus"), "stopped before its 700 commits");
        assertEquals(4, cli("status", stopId).exit());
        assertEquals(0, cli("abandon", stopId).exit());
        assertEquals(5, cli("status", stopId).exit());

        Run wrongPassword = cli(Map.of("TUNELEDGER_USER", "admin", "TUNELEDGER_PASSWORD", "wrong"), "list");
        assertEquals(6, wrongPassword.exit(), wrongPassword.err());
        assertEquals(6, cli(Map.of("TUNELEDGER_ROLE", "auditor"), "stop", stopId).exit(), "auditors cannot stop");
        assertEquals(6, cli(Map.of("TUNELEDGER_URL", "http://127.0.0.1:9"), "list").exit(), "unreachable");

        List<String> gateRun = new ArrayList<>(List.of("start", "fine-tune", "-p", "dataset.name=" + sampleDataset(),
                "-p", "model.name=" + unique("cli-gate"), "-p", "train.mode=head", "-p", "gate.min.macro.f1=0.999"));
        MECHANICS.forEach((name, value) -> gateRun.addAll(List.of("-p", name + "=" + value)));
        gateRun.add("--wait");
        Run gate = cli(gateRun.toArray(String[]::new));
        assertEquals(7, gate.exit(), gate.err());
    }
}
