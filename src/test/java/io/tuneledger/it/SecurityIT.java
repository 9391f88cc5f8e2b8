package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Authentication and roles over HTTP, as a client sees them: no or wrong credentials get 401 with a Basic challenge
 * on every endpoint (and a failed attempt is in the audit ledger, without its password); each role gets 403 exactly
 * where ARCHITECTURE.md's roles say it may not go.
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

    @Test
    void aWrongPasswordIs401AndRecordedInTheLedgerWithoutThePassword() throws Exception {
        String user = unique("intruder");
        String password = "not-the-password-" + RUN;
        for (Endpoint endpoint : List.of(ENDPOINTS.get(0), ENDPOINTS.get(3))) {
            RawReply reply = raw(endpoint, basicAuth(user, password));
            assertEquals(401, reply.status(), endpoint + ": " + reply.body());
        }
        RawReply adminWithWrongPassword = raw(ENDPOINTS.get(2), basicAuth("admin", password));
        assertEquals(401, adminWithWrongPassword.status(), "a real user with a wrong password");

        List<JsonObject> failures = events("user:" + user);
        assertEquals(2, failures.size(), "one event per failed attempt: " + failures);
        for (JsonObject event : failures) {
            assertEquals("auth.failed", event.getString("action"));
            assertEquals("unauthenticated", event.getString("actor"));
        }
        assertEquals(List.of("/api/jobs/prepare-dataset/executions", "/api/system"), failures.stream()
                .map(e -> e.getJsonObject("details").getString("path")).toList(), "newest first, with the path");
        Reply all = get("/api/audit?subject=user&limit=1000");
        assertFalse(all.text().contains(password), "the password tried is nowhere in the ledger");
        assertTrue(get("/api/audit/verify").object().getBoolean("valid"));
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
