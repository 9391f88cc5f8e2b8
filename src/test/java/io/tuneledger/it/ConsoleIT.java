package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The admin console in a real browser (headless Chromium), as an operator and an auditor use it: launch a job from
 * its form (inline errors first, nothing started), watch it run to the end with its progress and training curves,
 * read the dataset's quarantine and the model, which an admin then promotes; restart a failed execution from its page
 * with a changed parameter; open a compliance report and verify the audit chain. Screenshots of each page are kept
 * in {@code target/screenshots/console/}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConsoleIT extends AbstractIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    /**
     * Without Chromium (a developer's machine) the browser tests are skipped, each reported as skipped with the reason
     * printed once in a banner, and the build goes on; with {@code -Dtuneledger.browser.required=true} (what
     * {@code .ci/run} passes, after installing Chromium) they fail instead.
     */
    @BeforeEach
    void aBrowserIsThere() {
        String missing = ConsoleBrowser.missing();
        if (missing == null) {
            return;
        }
        if (Boolean.getBoolean("tuneledger.browser.required")) {
            fail("The browser tests are required (-Dtuneledger.browser.required=true) but " + missing);
        }
        if (!skipAnnounced) {
            skipAnnounced = true;
            System.err.println("\n" + "*".repeat(100) + "\n* SKIPPED: the admin console's browser tests (ConsoleIT)."
                    + "\n* " + missing + "\n" + "*".repeat(100) + "\n");
        }
        Assumptions.abort("browser tests skipped: " + missing);
    }

    /** Whether the skip has been announced (once for the class, each test is still reported as skipped). */
    private static boolean skipAnnounced;

    @Test
    void anOperatorLaunchesAPipelineFromItsFormAndWatchesItComplete() throws Exception {
        String name = unique("console-it");
        // The sample plus two lines that cannot be used: they must show up in the dataset's quarantine.
        Path inbox = storeHome().resolve("inbox");
        Files.createDirectories(inbox);
        Path input = inbox.resolve(name + ".jsonl");
        Files.write(input, Files.readAllBytes(Path.of("samples", SAMPLE)));
        Files.writeString(input, "{\"id\":\"no-label\",\"text\":\"a message without its label\"}\n[1, 2, 3]\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        long pipelinesBefore = total("pipeline");

        try (ConsoleBrowser browser = ConsoleBrowser.open(BASE_URL).signIn(basicAuth("operator"), "/jobs")) {
            browser.run("launch-and-watch", () -> {
                assertEquals("operator (operator)", browser.text(By.id("who")));
                assertFalse(browser.find(By.cssSelector("#nav a[data-page=audit]")).isDisplayed(),
                        "the audit trail is not offered to an operator");
                browser.find(By.cssSelector("#job-pipeline summary")).click();
                WebElement form = browser.find(By.id("launch-pipeline"));
                assertEquals(defaultOf("pipeline", "train.learning.rate"),
                        field(form, "train.learning.rate").getAttribute("value"), "the form shows the job's defaults");

                // A required parameter left empty: marked inline, nothing sent.
                form.findElement(By.cssSelector("button[type=submit]")).click();
                assertEquals("is required", browser.await(d -> nonEmpty(errorFor(form, "dataset.name"))));
                assertEquals("true", field(form, "dataset.name").getAttribute("aria-invalid"));

                // A file that is not there: the server's 400 names the parameter, shown next to it; nothing started.
                browser.type(field(form, "dataset.name"), name);
                browser.type(field(form, "model.name"), name);
                browser.type(field(form, "input.path"), name + "-missing.jsonl");
                form.findElement(By.cssSelector("button[type=submit]")).click();
                String inputError = browser.await(d -> nonEmpty(errorFor(form, "input.path")));
                assertTrue(inputError.contains(name + "-missing.jsonl"), inputError);
                assertTrue(form.findElement(By.cssSelector("[data-form-error]")).getText()
                        .startsWith("Nothing was started"));
                assertEquals("", errorFor(form, "dataset.name").getText(), "the earlier error is cleared");
                browser.screenshot("01-launch-form-errors");
                assertEquals(pipelinesBefore, total("pipeline"), "no execution was started by the rejected launches");

                // Corrected, with short training settings: launched, and the page follows the execution.
                browser.type(field(form, "input.path"), input.getFileName().toString());
                for (Map.Entry<String, String> e : with(MECHANICS, "labels", "ham,spam").entrySet()) {
                    browser.type(field(form, e.getKey()), e.getValue());
                }
                form.findElement(By.cssSelector("button[type=submit]")).click();
                long executionId = awaitExecutionPage(browser, -1);
                assertEquals(pipelinesBefore + 1, total("pipeline"));
                assertEquals("operator", events("job-execution:" + executionId).stream()
                        .filter(e -> e.getString("action").equals("job.launched")).findFirst().orElseThrow()
                        .getString("actor"), "the launch is recorded with the signed-in user");

                // While it runs (training, then evaluation and registration: half a minute or more): the loss
                // chart once a checkpoint is written, a progress bar on the train step, and Stop.
                browser.await(Duration.ofMinutes(4), d -> "STARTED".equals(status(browser))
                        && !browser.all(By.cssSelector("#chart-loss canvas")).isEmpty() ? true : null);
                WebElement trainRow = browser.find(By.cssSelector("tr[data-step=train]"));
                assertFalse(trainRow.findElements(By.cssSelector("[role=progressbar]")).isEmpty(), trainRow::getText);
                browser.script("document.getElementById('charts').scrollIntoView()");
                browser.screenshot("02-execution-running");
                assertEquals(List.of("stop"), browser.all(By.cssSelector("[data-action]")).stream()
                        .map(a -> a.getAttribute("data-action")).toList(), "a running execution can be stopped");

                String end = browser.await(Duration.ofMinutes(8), d -> List.of("COMPLETED", "FAILED", "STOPPED")
                        .contains(status(browser)) ? status(browser) : null);
                JsonObject done = get("/api/executions/" + executionId).object();
                assertEquals("COMPLETED", end, done::toString);
                List<WebElement> steps = browser.all(By.cssSelector("tr[data-step]"));
                assertEquals(done.getJsonArray("steps").size(), steps.size());
                for (WebElement step : steps) {
                    assertEquals("COMPLETED", step.findElement(By.cssSelector(".badge")).getText(), step::getText);
                }
                assertTrue(browser.find(By.cssSelector("tr[data-step=train]")).getText().contains("100 %"));
                assertEquals(1, browser.all(By.cssSelector("#chart-loss canvas")).size(), "training loss chart");
                assertEquals(1, browser.all(By.cssSelector("#chart-validation canvas")).size(), "validation chart");
                JsonObject curves = get("/api/executions/" + executionId + "/curves").object().getJsonObject("train");
                assertEquals(9, curves.getJsonArray("loss").size(),
                        "one loss per optimisation step: 545 / 64, rounded up");
                assertEquals(1, curves.getJsonArray("validationMacroF1").size(), "one epoch");
                assertTrue(browser.all(By.cssSelector("[data-action]")).isEmpty(), "no actions on a completed run");
                assertTrue(browser.all(By.cssSelector("[data-report]")).isEmpty(), "reports are for auditors");
                browser.screenshot("03-execution-completed");

                browser.go("/executions?job=pipeline");
                WebElement row = browser.find(By.cssSelector("tr[data-execution='" + executionId + "']"));
                assertEquals("COMPLETED", row.findElement(By.cssSelector(".badge")).getText());
                browser.screenshot("04-executions");

                browser.go("/datasets/" + name + "/1");
                List<WebElement> quarantined = browser.await(d -> {
                    List<WebElement> rows = browser.all(By.cssSelector("#quarantine-records tr[data-line]"));
                    return rows.isEmpty() ? null : rows;
                });
                List<String> expected = getLines("/api/datasets/" + name + "/versions/1/records?split=quarantine")
                        .stream().map(q -> q.getInt("line") + " " + q.getString("reason")).toList();
                assertEquals(List.of("701 MISSING_LABEL", "702 MALFORMED_LINE"), expected);
                assertEquals(expected, quarantined.stream().map(r -> r.getAttribute("data-line") + " "
                        + r.findElement(By.cssSelector("[data-reason]")).getText()).toList());
                browser.screenshot("05-dataset");

                browser.go("/models/" + name + "/1");
                assertEquals("candidate", status(browser));
                assertTrue(browser.find(By.id("model-card")).getText().contains(name));
                assertTrue(browser.all(By.cssSelector("[data-action=promote]")).isEmpty(), "promotion is for admins");
                assertEquals(List.of("test (fine-tuned)", "test (baseline: frozen encoder)"),
                        browser.all(By.cssSelector("#metrics tbody tr td:first-child")).stream()
                                .map(WebElement::getText).toList());
                assertEquals(1, browser.all(By.cssSelector("#chart-loss canvas")).size(), "the model's loss curve");
                // The card as a person reads it: tables and links, not JSON.
                assertEquals(List.of("ham", "spam"), browser.all(By.cssSelector("#per-label tbody tr td:first-child"))
                        .stream().map(WebElement::getText).toList());
                long confusionTotal = browser.all(By.cssSelector("#confusion tbody tr td:not(:first-child)")).stream()
                        .mapToLong(td -> Long.parseLong(td.getText())).sum();
                assertEquals(manifest(name, "1").getJsonObject("splits").getJsonObject("test").getInt("records"),
                        confusionTotal, "the confusion matrix counts every test record");
                assertEquals("#/datasets/" + name + "/1", browser.find(By.cssSelector("#lineage a[href^='#/datasets']"))
                        .getAttribute("href").replaceFirst("^.*?#", "#"));
                assertTrue(browser.all(By.cssSelector("#limitations li")).size() >= 3, "limitations as a list");
                assertTrue(browser.all(By.cssSelector("#model-card pre")).isEmpty(), "no raw JSON in the card");
                browser.screenshot("06-model");

                // An admin promotes the candidate from the same page.
                try (ConsoleBrowser admin = ConsoleBrowser.open(BASE_URL)
                        .signIn(basicAuth("admin"), "/models/" + name + "/1")) {
                    admin.run("promote", () -> {
                        admin.await(d -> "candidate".equals(status(admin)) ? true : null);
                        admin.find(By.cssSelector("[data-action=promote]")).click();
                        admin.await(d -> "promoted".equals(status(admin)) ? true : null);
                        assertTrue(admin.all(By.cssSelector("[data-action=promote]")).isEmpty());
                        assertEquals("promoted", get("/api/models/" + name + "/versions/1").object()
                                .getString("status"));
                        JsonObject promoted = events("model:" + name + " v1").get(0);
                        assertEquals("model.promoted", promoted.getString("action"));
                        assertEquals("admin", promoted.getString("actor"));
                        admin.screenshot("06b-model-promoted");
                    });
                }
            });
        }
    }

    @Test
    void aFailedExecutionIsRestartedFromItsPageWithAChangedParameter() throws Exception {
        String name = unique("console-restart-it");
        try (ConsoleBrowser browser = ConsoleBrowser.open(BASE_URL).signIn(basicAuth("operator"), "/jobs")) {
            browser.run("restart", () -> {
                browser.go("/jobs?open=" + FaultInjectionJob.NAME);
                WebElement form = browser.find(By.id("launch-" + FaultInjectionJob.NAME));
                browser.type(field(form, "dataset.name"), name);
                browser.type(field(form, "input.path"), SAMPLE);
                browser.type(field(form, "fail.at.item"), "125");
                form.findElement(By.cssSelector("button[type=submit]")).click();
                long failed = awaitExecutionPage(browser, -1);
                assertEquals("FAILED", browser.await(Duration.ofMinutes(2),
                        d -> "FAILED".equals(status(browser)) ? "FAILED" : null));
                assertEquals(2, browser.all(By.cssSelector("[data-action=restart], [data-action=abandon]")).size());
                assertTrue(browser.all(By.cssSelector("[data-action=stop]")).isEmpty());
                browser.screenshot("07-execution-failed");

                browser.find(By.cssSelector("#restart-parameters summary")).click();
                browser.type(browser.find(By.cssSelector("#restart-parameters input[name='fail.at.item']")), "0");
                browser.find(By.cssSelector("[data-action=restart]")).click();
                long restarted = awaitExecutionPage(browser, failed);
                assertNotEquals(failed, restarted);
                assertEquals("COMPLETED", browser.await(Duration.ofMinutes(2),
                        d -> "COMPLETED".equals(status(browser)) ? "COMPLETED" : null));
                browser.screenshot("08-execution-restarted");

                JsonObject first = get("/api/executions/" + failed).object();
                JsonObject second = get("/api/executions/" + restarted).object();
                assertEquals(first.getJsonNumber("instanceId"), second.getJsonNumber("instanceId"),
                        "same job instance");
                assertEquals("0", second.getJsonObject("parameters").getString("fail.at.item"));
                assertEquals(sampleIds().size() - 100, metric(step(second, "ingest"), "readCount"),
                        "the restart resumed after the last checkpoint (line 100)");
            });
        }
    }

    @Test
    void anAuditorOpensTheComplianceReportAndVerifiesTheChain() throws Exception {
        String name = unique("console-audit-it");
        long executionId = startJob("prepare-dataset", Map.of("dataset.name", name, "input.path", SAMPLE))
                .getJsonNumber("executionId").longValue();
        assertEquals("COMPLETED", awaitEnd(executionId, Duration.ofMinutes(2)).getString("batchStatus"));

        try (ConsoleBrowser browser = ConsoleBrowser.open(BASE_URL)
                .signIn(basicAuth("auditor"), "/executions/" + executionId)) {
            browser.run("report-and-audit", () -> {
                browser.await(d -> "COMPLETED".equals(status(browser)) ? true : null);
                assertTrue(browser.all(By.cssSelector("[data-action]")).isEmpty(), "an auditor cannot act on jobs");
                List<WebElement> reports = browser.all(By.cssSelector("[data-report]"));
                assertEquals(List.of("html", "pdf"), reports.stream().map(r -> r.getAttribute("data-report")).toList());
                // The PDF link serves a PDF.
                Object pdf = browser.asyncScript("const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done(r.status + ' '"
                        + " + r.headers.get('Content-Type') + ' '"
                        + " + String.fromCharCode(...new Uint8Array(b.slice(0, 5))))))"
                        + ".catch(e => done('error ' + e));", reports.get(1).getAttribute("href"));
                assertEquals("200 application/pdf %PDF-", pdf);

                // The HTML link opens a new tab; followed here in this one (which carries the sign-in).
                assertEquals("_blank", reports.get(0).getAttribute("target"));
                browser.visit(reports.get(0).getAttribute("href"));
                String report = browser.await(d -> {
                    List<WebElement> h1 = d.findElements(By.tagName("h1"));
                    return h1.isEmpty() ? null : d.findElement(By.tagName("body")).getText();
                });
                assertTrue(report.contains("execution " + executionId) || report.contains("Execution " + executionId),
                        report.substring(0, Math.min(400, report.length())));
                assertTrue(report.contains(name), "the report names the dataset");
                browser.screenshot("09-execution-report");
                List<JsonObject> downloads = events("job-execution:" + executionId).stream()
                        .filter(e -> e.getString("action").equals("report.downloaded")).toList();
                assertEquals(List.of("auditor", "auditor"), downloads.stream().map(e -> e.getString("actor")).toList(),
                        "both downloads are in the ledger with the auditor's name");

                browser.go("/audit?subject=job-execution:" + executionId);
                List<WebElement> rows = browser.await(d -> {
                    List<WebElement> r = browser.all(By.cssSelector("#audit-events tbody tr"));
                    return r.size() > 1 ? r : null;
                });
                List<String> actions = rows.stream().map(r -> r.findElements(By.tagName("td")).get(3).getText())
                        .toList();
                assertEquals(events("job-execution:" + executionId).stream().map(e -> e.getString("action")).toList(),
                        actions, "the page lists the execution's events, newest first");
                assertTrue(actions.contains("job.launched") && actions.contains("report.downloaded"),
                        actions::toString);
                browser.find(By.id("verify")).click();
                String verdict = browser.await(d -> {
                    String t = browser.text(By.id("verify-result"));
                    return t.startsWith("Chain") ? t : null;
                });
                assertTrue(verdict.startsWith("Chain intact: "), verdict);
                browser.screenshot("10-audit-verified");
            });
        }
    }

    /** Waits until the console shows an execution's page other than {@code previous}'s; its execution id. */
    private static long awaitExecutionPage(ConsoleBrowser browser, long previous) {
        return browser.await(d -> {
            String page = browser.fragment();
            if (!page.matches("/executions/\\d+")) {
                return null;
            }
            long id = Long.parseLong(page.substring("/executions/".length()));
            return id == previous ? null : id;
        });
    }

    private static WebElement field(WebElement form, String parameter) {
        return form.findElement(By.cssSelector("input[name='" + parameter + "']"));
    }

    private static WebElement errorFor(WebElement form, String parameter) {
        return form.findElement(By.cssSelector("[data-error-for='" + parameter + "']"));
    }

    private static String nonEmpty(WebElement element) {
        String text = element.getText();
        return text.isEmpty() ? null : text;
    }

    /** The execution's or model's status as the page shows it (read in one go: the page redraws itself). */
    private static String status(ConsoleBrowser browser) {
        return (String) browser.script("const b = document.querySelector('#view h1 .badge');"
                + " return b ? b.dataset.status : null;");
    }

    private static long total(String job) throws Exception {
        return Long.parseLong(get("/api/executions?limit=1&job=" + job).headers().firstValue("X-Total-Count")
                .orElseThrow());
    }

    private static String defaultOf(String job, String parameter) throws Exception {
        return get("/api/jobs").array().stream().map(JsonObject.class::cast)
                .filter(j -> j.getString("name").equals(job)).findFirst().orElseThrow()
                .getJsonArray("parameters").stream().map(JsonObject.class::cast)
                .filter(p -> p.getString("name").equals(parameter)).findFirst().orElseThrow()
                .getString("defaultValue");
    }
}
