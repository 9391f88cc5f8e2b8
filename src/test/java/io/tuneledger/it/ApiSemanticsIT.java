package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What schedulers rely on: an {@code Idempotency-Key} makes a repeated launch (also a concurrent one) answer the
 * first execution instead of starting another, and a reused key with other parameters is a 409; lists page with
 * {@code offset} and {@code limit} and give their total; the server serves the API's OpenAPI document.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ApiSemanticsIT extends AbstractIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    @Tag(AbstractIT.DATABASE)
    @Test
    void aRepeatedLaunchWithTheSameKeyStartsOneExecution() throws Exception {
        String key = unique("nightly-mails-2026-12-02");
        JsonObject body = parameters(Map.of("dataset.name", unique("idempotent"), "input.path", SAMPLE));
        List<Reply> replies = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Reply>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(pool.submit(() -> postWithKey("/api/jobs/prepare-dataset/executions", body, key)));
            }
            for (Future<Reply> call : calls) {
                replies.add(call.get());
            }
        } finally {
            pool.shutdown();
        }
        Set<Long> executions = new HashSet<>();
        int started = 0;
        for (Reply r : replies) {
            assertTrue(r.status() == 202 || r.status() == 200, r.status() + " " + r.text());
            executions.add(r.object().getJsonNumber("executionId").longValue());
            if (r.status() == 202) {
                started++;
            } else {
                assertEquals("true", r.header("Idempotent-Replayed"));
            }
        }
        assertEquals(1, executions.size(), "six calls with one key, one execution: " + executions);
        assertEquals(1, started, "exactly one call started it");
        long id = executions.iterator().next();
        assertEquals(1, events("job-execution:" + id).stream()
                .filter(e -> e.getString("action").equals("job.launched")).count());

        Reply other = postWithKey("/api/jobs/prepare-dataset/executions",
                parameters(Map.of("dataset.name", unique("idempotent-other"), "input.path", SAMPLE)), key);
        assertEquals(409, other.status(), other.text());
        assertTrue(other.text().contains("Idempotency-Key"), other.text());

        Reply later = postWithKey("/api/jobs/prepare-dataset/executions", body, key);
        assertEquals(200, later.status(), later.text());
        assertEquals(id, later.object().getJsonNumber("executionId").longValue());
        assertEquals("COMPLETED", awaitEnd(id, Duration.ofMinutes(5)).getString("batchStatus"));
        assertEquals(id, postWithKey("/api/jobs/prepare-dataset/executions", body, key).object()
                .getJsonNumber("executionId").longValue(), "the key still answers once the job has ended");

        Reply blank = postWithKey("/api/jobs/prepare-dataset/executions", body, " ");
        assertEquals(400, blank.status(), blank.text());
        assertEquals("Idempotency-Key", firstErrorParameter(blank));
    }

    /**
     * A launch that died between claiming its key and recording the execution leaves a claim without one: it answers
     * 409 while young, and once older than the claim timeout (120 s) it is taken over: by the execution the dead
     * launch did start (the ledger's job.launched names the key), or by a new launch when it started none.
     */
    @Tag(AbstractIT.DATABASE)
    @Test
    void aClaimLeftByALaunchThatDiedExpiresAndIsTakenOver() throws Exception {
        String key = unique("claim");
        JsonObject body = parameters(Map.of("dataset.name", unique("claimed"), "input.path", SAMPLE));
        Reply first = postWithKey("/api/jobs/prepare-dataset/executions", body, key);
        assertEquals(202, first.status(), first.text());
        long id = first.object().getJsonNumber("executionId").longValue();
        assertEquals("COMPLETED", awaitEnd(id, Duration.ofMinutes(5)).getString("batchStatus"));

        String young = unique("claim-young");
        assertEquals(200, postRaw("/api/test-fixtures/idempotency/claim/" + young + "?like=" + key + "&ageSeconds=5",
                "").status());
        Reply busy = postWithKey("/api/jobs/prepare-dataset/executions", body, young);
        assertEquals(409, busy.status(), busy.text());
        assertTrue(busy.text().contains("being launched"), busy.text());

        String stale = unique("claim-stale");
        assertEquals(200, postRaw("/api/test-fixtures/idempotency/claim/" + stale + "?like=" + key
                + "&ageSeconds=600", "").status());
        Reply takenOver = postWithKey("/api/jobs/prepare-dataset/executions", body, stale);
        assertEquals(202, takenOver.status(), "a stale claim that started nothing is taken over: " + takenOver.text());
        long second = takenOver.object().getJsonNumber("executionId").longValue();
        assertTrue(second != id);
        assertEquals(second, postWithKey("/api/jobs/prepare-dataset/executions", body, stale).object()
                .getJsonNumber("executionId").longValue(), "and then answers its execution like any key");
        awaitEnd(second, Duration.ofMinutes(5));

        assertEquals(200, postRaw("/api/test-fixtures/idempotency/unfinish/" + key + "?ageSeconds=600", "").status());
        Reply recovered = postWithKey("/api/jobs/prepare-dataset/executions", body, key);
        assertEquals(200, recovered.status(), "the dead launch had started its job: " + recovered.text());
        assertEquals(id, recovered.object().getJsonNumber("executionId").longValue());
        assertEquals(1, events("job-execution:" + id).stream()
                .filter(e -> e.getString("action").equals("job.launched")).count(), "nothing launched twice");
    }

    @Test
    void theServerDescribesTheApiInOpenApi() throws Exception {
        Reply doc = get("/openapi?format=JSON");
        assertEquals(200, doc.status(), doc.text());
        JsonObject paths = doc.object().getJsonObject("paths");
        for (String path : List.of("/api/jobs", "/api/jobs/{job}/executions", "/api/executions/{id}/restart",
                "/api/executions/{id}/abandon", "/api/models/{name}/versions/{version}/card",
                "/api/reports/executions/{id}", "/api/audit/verify")) {
            assertTrue(paths.containsKey(path), path + " is described");
        }
        assertTrue(doc.object().getJsonObject("paths").getJsonObject("/api/jobs/{job}/executions")
                .getJsonObject("post").toString().contains("Idempotency-Key"), "the header is a parameter");
        assertEquals("basic", doc.object().getJsonObject("components").getJsonObject("securitySchemes")
                .getJsonObject("basic").getString("scheme"));
    }

    @Tag(AbstractIT.DATABASE)
    @Test
    void executionsPageWithOffsetAndLimit() throws Exception {
        JsonObject launched = startJob("prepare-dataset", Map.of("dataset.name", unique("paging"),
                "input.path", SAMPLE));
        awaitEnd(launched.getJsonNumber("executionId").longValue(), Duration.ofMinutes(5));
        long running = startJob("prepare-dataset", Map.of("dataset.name", unique("paging-2"), "input.path", SAMPLE))
                .getJsonNumber("executionId").longValue();
        Reply first = get("/api/executions?limit=2");
        Reply second = get("/api/executions?limit=2&offset=1");
        assertEquals(200, first.status(), first.text());
        long total = Long.parseLong(first.header("X-Total-Count"));
        assertTrue(total >= 2, "total " + total);
        assertEquals(2, first.array().size());
        assertEquals(first.array().getJsonObject(1).getJsonNumber("executionId"),
                second.array().getJsonObject(0).getJsonNumber("executionId"), "offset 1 starts at the second");
        assertEquals(String.valueOf(total), second.header("X-Total-Count"));
        Reply beyond = get("/api/executions?offset=" + total);
        assertEquals(0, beyond.array().size());
        Reply bad = get("/api/executions?offset=-1&limit=0");
        assertEquals(400, bad.status());
        assertTrue(bad.text().contains("offset") && bad.text().contains("limit"), bad.text());
        assertEquals("COMPLETED", awaitEnd(running, Duration.ofMinutes(5)).getString("batchStatus"));
    }
}
