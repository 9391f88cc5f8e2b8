package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
 * Authentication and roles over HTTPS, as a client sees them: no or wrong credentials get 401 with a Basic challenge
 * on every endpoint (and failed attempts are in the audit ledger, without their passwords, one burst of them from an
 * address as two events); a flood of wrong passwords slows its own address down and locks nobody out; plain HTTP is
 * redirected; each role gets 403 exactly where ARCHITECTURE.md's roles say it may not go.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SecurityIT extends AbstractIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    /** One request of the API: method, path, and the roles that may make it. */
    private record Endpoint(String method, String path, List<String> allowed) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static final List<String> EVERYONE = List.of("operator", "auditor", "admin");
    private static final List<String> RUNS_JOBS = List.of("operator", "admin");
    private static final List<String> READS_AUDIT = List.of("auditor", "admin");

    /**
     * Every endpoint, with arguments that make an allowed caller's request harmless (an unknown execution, an
     * invalid launch): what is checked here is who gets through, not what the request then does.
     */
    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/api/system", EVERYONE),
            new Endpoint("GET", "/api/system/engine", EVERYONE),
            new Endpoint("GET", "/api/jobs", EVERYONE),
            new Endpoint("POST", "/api/jobs/prepare-dataset/executions", RUNS_JOBS),
            new Endpoint("GET", "/api/executions", EVERYONE),
            new Endpoint("GET", "/api/executions/999999999", EVERYONE),
            new Endpoint("POST", "/api/executions/999999999/stop", RUNS_JOBS),
            new Endpoint("POST", "/api/executions/999999999/restart", RUNS_JOBS),
            new Endpoint("POST", "/api/executions/999999999/abandon", RUNS_JOBS),
            new Endpoint("GET", "/api/datasets", EVERYONE),
            new Endpoint("GET", "/api/datasets/no-such-dataset/versions/1", EVERYONE),
            new Endpoint("GET", "/api/models", EVERYONE),
            new Endpoint("GET", "/api/models/no-such-model/versions/1", EVERYONE),
            new Endpoint("GET", "/api/models/no-such-model/versions/1/card", EVERYONE),
            new Endpoint("POST", "/api/models/no-such-model/versions/1/promote", List.of("admin")),
            new Endpoint("GET", "/api/audit?limit=1", READS_AUDIT),
            new Endpoint("GET", "/api/audit/verify", READS_AUDIT),
            new Endpoint("GET", "/api/reports/models/no-such-model/versions/1", READS_AUDIT),
            new Endpoint("GET", "/api/reports/executions/999999999", READS_AUDIT),
            new Endpoint("GET", "/api/executions/999999999/curves", EVERYONE),
            new Endpoint("GET", "/api/system/me", EVERYONE),
            new Endpoint("GET", "/", EVERYONE),
            new Endpoint("GET", "/assets/console.js", EVERYONE),
            new Endpoint("GET", "/", EVERYONE));

    private record RawReply(int status, String body, String challenge) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** Sends the endpoint's request with this Authorization header (null: none) and an empty JSON body for a POST. */
    private static RawReply raw(Endpoint endpoint, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(BASE_URL + endpoint.path()))
                .timeout(Duration.ofSeconds(60)).header("Accept", "application/json")
                .method(endpoint.method(), endpoint.method().equals("POST")
                        ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        if (endpoint.method().equals("POST")) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new RawReply(response.statusCode(), response.body(),
                response.headers().firstValue("WWW-Authenticate").orElse(""));
    }

    @Test
    void withoutCredentialsEveryEndpointAnswers401WithABasicChallenge() throws Exception {
        for (Endpoint endpoint : ENDPOINTS) {
            RawReply reply = raw(endpoint, null);
            assertEquals(401, reply.status(), endpoint + ": " + reply.body());
            assertTrue(reply.challenge().startsWith("Basic realm=\"Tuneledger\""), endpoint + ": " + reply.challenge());
        }
    }

    /** GET /api/system from another client address, as {@code authorization}. */
    private static RawHttps.Response from(String address, String authorization) throws Exception {
        return RawHttps.send(address, BASE_URL, "GET", "/api/system",
                Map.of("Authorization", authorization, "Accept", "application/json"), null);
    }

    /** The ledger's events about {@code subject} since {@code since} (ISO-8601), newest first. */
    private static List<JsonObject> eventsSince(String subject, String since) throws Exception {
        Reply reply = get("/api/audit?limit=1000&from=" + since + "&subject="
                + URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20"));
        assertEquals(200, reply.status(), reply::text);
        return reply.object().getJsonArray("events").stream().map(JsonValue::asJsonObject).toList();
    }

    @Test
    void aWrongPasswordIs401AndRecordedInTheLedgerWithoutThePassword() throws Exception {
        String client = "127.0.0.4";
        String since = Instant.now().minusSeconds(1).toString();
        String user = unique("intruder");
        String password = "not-the-password-" + RUN;
        assertEquals(401, from(client, basicAuth(user, password)).status());
        assertEquals(401, from(client, basicAuth(user, password + "2")).status());
        RawHttps.Response adminWithWrongPassword = from(client, basicAuth("admin", password));
        assertEquals(401, adminWithWrongPassword.status(), "a real user with a wrong password");
        assertTrue(adminWithWrongPassword.header("WWW-Authenticate").startsWith("Basic realm=\"Tuneledger\""));

        List<JsonObject> first = eventsSince("user:" + user, since);
        assertEquals(1, first.size(), "the first failure of a burst is recorded at once: " + first);
        assertEquals("auth.failed", first.get(0).getString("action"));
        assertEquals("unauthenticated", first.get(0).getString("actor"));
        assertEquals(client, first.get(0).getJsonObject("details").getString("remoteAddress"));
        assertEquals("/api/system", first.get(0).getJsonObject("details").getString("path"));
        JsonObject burst = awaitBurst(client, since);
        assertEquals(3, burst.getInt("attempts"), burst.toString());
        assertEquals(3, burst.getInt("failed"), burst.toString());
        assertEquals(List.of("admin", user), burst.getJsonArray("users").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).sorted().toList());
        Reply all = get("/api/audit?limit=1000&from=" + since);
        assertFalse(all.text().contains(password), "the password tried is nowhere in the ledger");
        assertTrue(get("/api/audit/verify").object().getBoolean("valid"));
    }

    /** Waits for the burst event of {@code client} (the burst ends a few seconds after its last attempt). */
    private static JsonObject awaitBurst(String client, String since) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<JsonObject> bursts = eventsSince("client:" + client, since);
            if (!bursts.isEmpty()) {
                assertEquals(1, bursts.size(), "one event per burst: " + bursts);
                assertEquals("auth.failed-burst", bursts.get(0).getString("action"));
                return bursts.get(0).getJsonObject("details");
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no auth.failed-burst event for " + client + " within 60 s");
    }

    /**
     * 150 wrong passwords for admin from one address as fast as it can send them: most are refused unchecked with 429
     * and a growing Retry-After, the ledger gets two events (the first failure, then the burst with its count), and
     * the real admin signs in meanwhile from another address (and from this test's own) with no lock-out.
     */
    @Test
    void aFloodOfWrongPasswordsSlowsItsAddressDownLocksNobodyOutAndIsTwoLedgerEvents() throws Exception {
        String attacker = "127.0.0.3";
        String since = Instant.now().minusSeconds(1).toString();
        int flood = 150;
        int checked = 0;
        int refused = 0;
        long longestWait = 0;
        for (int i = 0; i < flood; i++) {
            RawHttps.Response r = from(attacker, basicAuth("admin", "guess-" + i));
            if (r.status() == 401) {
                checked++;
            } else {
                assertEquals(429, r.status(), r.body());
                assertTrue(r.body().contains("too many failed sign-ins"), r.body());
                longestWait = Math.max(longestWait, Long.parseLong(r.header("Retry-After")));
                refused++;
            }
        }
        assertTrue(checked <= 10, "at most a few guesses were checked: " + checked);
        assertTrue(longestWait >= 2, "the wait grew: " + longestWait);
        String admin = basicAuth("admin");
        assertEquals(429, from(attacker, admin).status(), "the flooding address waits, whoever it claims to be");
        assertEquals(200, from("127.0.0.2", admin).status(), "the real admin from another address is not locked out");
        assertEquals(200, get("/api/system").status(), "nor from this test's own address");

        JsonObject burst = awaitBurst(attacker, since);
        assertEquals(flood + 1, burst.getInt("attempts"), burst.toString());
        assertEquals(checked, burst.getInt("failed"), burst.toString());
        assertEquals(refused + 1, burst.getInt("refused"), burst.toString());
        long failedEvents = eventsSince("user:admin", since).stream()
                .filter(e -> attacker.equals(e.getJsonObject("details").getString("remoteAddress", ""))).count();
        assertEquals(1, failedEvents, "one auth.failed event for the whole flood, then its burst");
        assertTrue(get("/api/audit/verify").object().getBoolean("valid"));
    }

    /** Plain HTTP reaches no part of the application: the container redirects it to HTTPS. */
    @Test
    void plainHttpIsRedirectedToHttpsAndTheApiNeverAnswersOverIt() throws Exception {
        HttpClient plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        for (String path : List.of("/api/system", "/api/jobs", "/")) {
            HttpResponse<String> r = plain.send(HttpRequest.newBuilder(URI.create("http://localhost:8080" + path))
                    .header("Authorization", basicAuth("admin")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(302, r.statusCode(), path + ": " + r.body());
            assertEquals("https://localhost:8443" + path, r.headers().firstValue("Location").orElse(""), path);
            assertFalse(r.body().contains("{"), "no API answer over plain HTTP: " + r.body());
        }
        HttpResponse<String> launch = plain.send(HttpRequest.newBuilder(
                URI.create("http://localhost:8080/api/jobs/prepare-dataset/executions"))
                .header("Authorization", basicAuth("operator")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, launch.statusCode(), "a launch over plain HTTP is not even validated: " + launch.body());
    }

    /** What a browser is told: no inline script, no framing, no sniffing, no referrer, HTTPS only. */
    @Test
    void theConsoleAndTheReportsAreServedWithBrowserHardeningHeaders() throws Exception {
        for (String path : List.of("/", "/assets/console.js", "/api/system", "/api/reports/executions/999999999")) {
            RawHttps.Response r = RawHttps.send("127.0.0.1", BASE_URL, "GET", path,
                    Map.of("Authorization", basicAuth("admin"), "Accept", "text/html"), null);
            String csp = r.header("Content-Security-Policy");
            assertTrue(csp != null && csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'")
                    && csp.contains("object-src 'none'") && !csp.contains("unsafe"), path + ": " + csp);
            assertEquals("nosniff", r.header("X-Content-Type-Options"), path);
            assertEquals("no-referrer", r.header("Referrer-Policy"), path);
            assertEquals("DENY", r.header("X-Frame-Options"), path);
            assertTrue(String.valueOf(r.header("Strict-Transport-Security")).startsWith("max-age="), path);
        }
        RawHttps.Response refused = RawHttps.send("127.0.0.1", BASE_URL, "GET", "/api/system", Map.of(), null);
        assertEquals(401, refused.status());
        assertEquals("nosniff", refused.header("X-Content-Type-Options"), "a refusal carries them too");
    }

    @Test
    void eachRoleIsRefusedWithA403ExactlyWhereItHasNoRight() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (String role : EVERYONE) {
            for (Endpoint endpoint : ENDPOINTS) {
                RawReply reply = raw(endpoint, basicAuth(role));
                boolean allowed = endpoint.allowed().contains(role);
                if (allowed ? reply.status() == 401 || reply.status() == 403 : reply.status() != 403) {
                    wrong.add(role + " " + endpoint + " -> " + reply.status() + " " + reply.body());
                }
                if (!allowed) {
                    assertTrue(reply.body().contains("'" + role + "' has no role"), role + " " + endpoint + ": "
                            + reply.body());
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void anAllowedCallerGetsTheAnswerOfTheRequestItself() throws Exception {
        RawReply invalidLaunch = raw(ENDPOINTS.get(3), basicAuth("operator"));
        assertEquals(400, invalidLaunch.status(), "past authorisation, the launch is validated: "
                + invalidLaunch.body());
        assertTrue(invalidLaunch.body().contains("dataset.name"), invalidLaunch.body());
        RawReply verify = raw(new Endpoint("GET", "/api/audit/verify", READS_AUDIT), basicAuth("auditor"));
        assertEquals(200, verify.status(), verify.body());
        assertNotEquals(-1, verify.body().indexOf("\"valid\":true"), verify.body());
    }

    /**
     * The browser keeps Basic credentials, so a page of another site could make it POST here: such requests are
     * refused before anything runs, while the console's own (same origin) and the CLI's (no Origin) pass.
     */
    @Test
    void aChangeRequestedByAnotherSitesPageIsRefused() throws Exception {
        String stop = "/api/executions/999999999/stop";
        for (String[] header : new String[][] {{"Origin", "http://attacker.example"},
            {"Origin", "http://localhost:9999"}, {"Sec-Fetch-Site", "cross-site"}}) {
            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(BASE_URL + stop))
                    .header("Authorization", basicAuth("operator")).header(header[0], header[1])
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, refused.statusCode(), header[1] + ": " + refused.body());
            assertTrue(refused.body().contains("cross-site request refused"), refused.body());
        }
        String self = URI.create(BASE_URL).getScheme() + "://" + URI.create(BASE_URL).getAuthority();
        HttpResponse<String> sameOrigin = HTTP.send(HttpRequest.newBuilder(URI.create(BASE_URL + stop))
                .header("Authorization", basicAuth("operator")).header("Origin", self)
                .header("Sec-Fetch-Site", "same-origin")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, sameOrigin.statusCode(), "the console's own request reaches the API: " + sameOrigin.body());
        RawReply read = raw(new Endpoint("GET", "/api/jobs", EVERYONE), basicAuth("operator"));
        assertEquals(200, read.status(), "reading is never refused for its origin");
    }
}
