package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The prepare-dataset job through the REST API: catalog, the bundled sample into a reconciled PII-free version, a file
 * of bad inputs (JSONL and CSV) that completes with every bad record quarantined, 400s before anything starts.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PrepareDatasetIT extends AbstractIT {

    /** What a reviewer would search for: anything shaped like an address, or like a phone number. */
    static final Pattern EMAIL_LIKE = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*");
    static final Pattern PHONE_LIKE = Pattern.compile("\\(?\\b[0-9]{3}\\)?[ .-][0-9]{3}[ .-][0-9]{4}\\b|(?<![0-9])1[3-9][0-9]{9}(?![0-9])");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    @Tag(AbstractIT.DATABASE)
    @Test
    void theServerRunsOnTheDatabaseThisBuildWasProvisionedFor() throws Exception {
        Reply reply = get("/api/system");
        assertEquals(200, reply.status(), reply::text);
        String expected = "postgresql".equals(System.getProperty("tuneledger.db")) ? "PostgreSQL" : "H2";
        assertEquals(expected, reply.object().getString("database"));
    }

    @Test
    void catalogListsPrepareDatasetWithItsParametersAndDefaults() throws Exception {
        Reply reply = get("/api/jobs");
        assertEquals(200, reply.status());
        JsonObject job = reply.array().stream().map(JsonValue::asJsonObject)
                .filter(j -> j.getString("name").equals("prepare-dataset")).findFirst().orElseThrow();
        Map<String, JsonObject> params = job.getJsonArray("parameters").stream().map(JsonValue::asJsonObject)
                .collect(Collectors.toMap(p -> p.getString("name"), p -> p));
        assertTrue(params.get("dataset.name").getBoolean("required"));
        assertEquals("text", params.get("text.field").getString("defaultValue"));
        assertEquals("near", params.get("dedupe").getString("defaultValue"));
        assertEquals("0.8,0.1,0.1", params.get("split").getString("defaultValue"));
        assertEquals("512", params.get("max.tokens").getString("defaultValue"));
        assertEquals("true", params.get("redact.pii").getString("defaultValue"));
    }

    @Tag(AbstractIT.DATABASE)
    @Test
    void bundledSampleBecomesAReconciledPiiFreeDatasetVersion() throws Exception {
        JsonObject launched = startJob("prepare-dataset",
                Map.of("dataset.name", "sample-it", "input.path", SAMPLE, "labels", "ham,spam"));
        assertEquals("prepare-dataset", launched.getString("jobName"));
        long id = launched.getJsonNumber("executionId").longValue();

        JsonObject execution = awaitEnd(id, Duration.ofMinutes(3));
        assertEquals("COMPLETED", execution.getString("batchStatus"), execution::toString);
        JsonObject params = execution.getJsonObject("parameters");
        assertEquals("text", params.getString("text.field"));
        assertTrue(params.getString("input.path").endsWith("/samples/" + SAMPLE), params::toString);
        int total = sampleIds().size();
        assertEquals(total, metric(step(execution, "ingest"), "readCount"));
        long version = step(execution, "manifest").getJsonObject("counts").getJsonNumber("version").longValue();

        JsonObject manifest = manifest("sample-it", Long.toString(version));
        JsonObject counts = manifest.getJsonObject("counts");
        long records = counts.getJsonNumber("records").longValue();
        long quarantined = counts.getJsonNumber("quarantined").longValue();
        long duplicates = counts.getJsonNumber("duplicates").longValue();
        assertEquals(total, counts.getJsonNumber("read").longValue());
        assertEquals(total, records + quarantined + duplicates, "read = records + quarantined + duplicates");
        assertTrue(records > 600, "records " + records);
        assertEquals(sha256(Path.of("samples", SAMPLE)), manifest.getJsonObject("source").getString("sha256"));
        assertEquals("all-minilm-l6-v2", manifest.getJsonObject("tokenizer").getString("name"));
        assertTrue(manifest.getJsonObject("redactions").getInt("EMAIL") > 100, manifest::toString);
        assertTrue(manifest.getJsonObject("tokens").getInt("max") > 100);

        List<JsonObject> all = datasetRecords("sample-it", Long.toString(version));
        assertEquals(records, all.size());
        for (JsonObject r : all) {
            String text = r.getString("text");
            assertFalse(EMAIL_LIKE.matcher(text).find(), () -> r.getString("id") + " still holds an address: " + text);
            assertFalse(PHONE_LIKE.matcher(text).find(), () -> r.getString("id") + " still holds a phone number");
        }
        // every input id is accounted for exactly once: in a split, in the quarantine or among the duplicates
        List<String> seen = new ArrayList<>(all.stream().map(r -> r.getString("id")).toList());
        String base = "/api/datasets/sample-it/versions/" + version + "/records?split=";
        getLines(base + "quarantine").forEach(q -> seen.add(q.getString("id")));
        getLines(base + "duplicates").forEach(d -> seen.add(d.getString("id")));
        assertEquals(sampleIds().stream().sorted().toList(), seen.stream().sorted().toList());
        // splits are stratified: each label in train, validation and test
        JsonObject splits = manifest.getJsonObject("splits");
        for (String split : List.of("train", "validation", "test")) {
            assertTrue(splits.getJsonObject(split).getJsonObject("labels").getInt("spam") > 0, split);
            assertTrue(splits.getJsonObject(split).getJsonObject("labels").getInt("ham") > 0, split);
        }
        // the version on disk is read-only, its content hash is what the registry says
        Path dir = storeHome().resolve("datasets").resolve("sample-it").resolve("v" + version);
        assertEquals(java.util.Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.GROUP_READ,
                java.nio.file.attribute.PosixFilePermission.OTHERS_READ),
                Files.getPosixFilePermissions(dir.resolve("train.jsonl")));
        assertTrue(get("/api/datasets").text().contains(manifest.getString("contentSha256")));
        assertFalse(Files.exists(storeHome().resolve("staging").resolve(launched.get("instanceId").toString())),
                "the staging directory is removed once the version is registered");
    }

    @Test
    void badInputsAreQuarantinedWithTheirReasonsAndEveryGoodLineIsKept() throws Exception {
        Path inbox = storeHome().resolve("inbox");
        Files.createDirectories(inbox);
        Path blocked = inbox.resolve("blocked-" + System.nanoTime() + ".txt");
        Files.writeString(blocked, "# test list\nlottery\n");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Map<Integer, String> expected = new TreeMap<>();
        List<String> good = new ArrayList<>();
        int[] line = {0};
        java.util.function.BiConsumer<byte[], String> add = (bytes, reason) -> {
            b.writeBytes(bytes);
            line[0]++;
            if (reason != null) {
                expected.put(line[0], reason);
            }
        };
        java.util.function.Function<String, byte[]> utf8 = t -> t.getBytes(StandardCharsets.UTF_8);
        add.accept(utf8.apply("\uFEFF{\"id\":\"g1\",\"text\":\"The meeting moved to Tuesday afternoon\",\"label\":\"ham\"}\n"), null);
        good.add("g1");
        add.accept(utf8.apply("{\"id\":\"m1\",\"text\":\"broken\n"), "MALFORMED_LINE");
        add.accept(new byte[] {'{', '"', 'i', 'd', '"', ':', '"', 'c', '"', ',', (byte) 0xC3, (byte) 0x28, '}', '\n'},
                "INVALID_ENCODING");
        add.accept(utf8.apply("{\"id\":\"g2\",\"text\":\"Quarterly numbers attached for review\",\"label\":\"ham\"}\r\n"), null);
        good.add("g2");
        add.accept(utf8.apply("{\"id\":\"e1\",\"text\":\"   \",\"label\":\"spam\"}\n"), "EMPTY_TEXT");
        add.accept(utf8.apply("{\"id\":\"huge\",\"text\":\"" + "x".repeat(10 * 1024 * 1024) + "\",\"label\":\"ham\"}\n"),
                "LINE_TOO_LONG");
        add.accept(utf8.apply("{\"id\":\"u1\",\"text\":\"What label is this\",\"label\":\"eggs\"}\n"), "UNKNOWN_LABEL");
        add.accept(new byte[] {0x00, 0x01, (byte) 0xFF, (byte) 0xFE, 0x7F, (byte) 0x80, '\n'}, "INVALID_ENCODING");
        add.accept(new byte[] {0x00, 0x01, 0x02, 'a', 'b', '\n'}, "MALFORMED_LINE");
        add.accept(utf8.apply("{\"id\":\"g3\",\"text\":\"<p>Write to <b>ann@example.org</b> about the invoice</p>\",\"label\":\"ham\"}\n"), null);
        good.add("g3");
        add.accept(utf8.apply("{\"id\":\"l1\",\"text\":\"no label here\"}\n"), "MISSING_LABEL");
        add.accept(utf8.apply("[1,2,3]\n"), "MALFORMED_LINE");
        add.accept(utf8.apply("{\"id\":\"c1\",\"text\":\"Claim your prize today\",\"label\":\"ham\"}\n"), "LABEL_CONFLICT");
        add.accept(utf8.apply("{\"id\":\"c2\",\"text\":\"claim your  prize today\",\"label\":\"spam\"}\n"), "LABEL_CONFLICT");
        add.accept(utf8.apply("{\"id\":\"b1\",\"text\":\"You won the LOTTERY jackpot\",\"label\":\"spam\"}\n"), "BLOCKED_TERM");
        add.accept(utf8.apply("{\"id\":\"g4\",\"text\":\"客户电话13812345678，请回电\",\"label\":\"spam\"}\n"), null);
        good.add("g4");
        String[] more = {"Cheap watches shipped overnight to your door", "Your parcel is waiting at the depot",
            "Limited offer on premium garden furniture", "Minutes of the architecture review are online",
            "Reminder: submit the expense report by Friday", "Exclusive investment opportunity inside"};
        for (int i = 0; i < more.length; i++) {
            add.accept(utf8.apply("{\"id\":\"g" + (5 + i) + "\",\"text\":\"" + more[i] + "\",\"label\":\""
                    + (i % 2 == 0 ? "spam" : "ham") + "\"}\n"), null);
            good.add("g" + (5 + i));
        }
        Path input = inbox.resolve("dirty-" + System.nanoTime() + ".jsonl");
        Files.write(input, b.toByteArray());

        JsonObject launched = startJob("prepare-dataset", Map.of("dataset.name", "dirty-it", "input.path",
                input.getFileName().toString(), "labels", "ham,spam", "blocked.terms", blocked.getFileName().toString()));
        JsonObject execution = awaitEnd(launched.getJsonNumber("executionId").longValue(), Duration.ofMinutes(2));
        assertEquals("COMPLETED", execution.getString("batchStatus"), execution::toString);
        long version = step(execution, "manifest").getJsonObject("counts").getJsonNumber("version").longValue();
        String base = "/api/datasets/dirty-it/versions/" + version + "/records?split=";
        Map<Integer, String> reasons = new TreeMap<>();
        for (JsonObject q : getLines(base + "quarantine")) {
            assertFalse(q.getString("detail").isBlank());
            reasons.put(q.getInt("line"), q.getString("reason"));
        }
        assertEquals(expected, reasons);
        List<JsonObject> records = datasetRecords("dirty-it", Long.toString(version));
        assertEquals(good.stream().sorted().toList(), records.stream().map(r -> r.getString("id")).sorted().toList());
        Map<String, String> texts = records.stream().collect(Collectors.toMap(r -> r.getString("id"), r -> r.getString("text")));
        assertEquals("The meeting moved to Tuesday afternoon", texts.get("g1"));
        assertEquals("Write to [EMAIL] about the invoice", texts.get("g3"));
        assertEquals("客户电话[CN_PHONE],请回电", texts.get("g4"));
        JsonObject counts = manifest("dirty-it", Long.toString(version)).getJsonObject("counts");
        assertEquals(line[0], counts.getInt("read"));
    }

    @Test
    void csvWithBrokenQuotingCompletesWithEveryBadRecordQuarantined() throws Exception {
        Path inbox = storeHome().resolve("inbox");
        Files.createDirectories(inbox);
        String csv = "ticket,body,category\r\n"
                + "t1,\"Printer on floor 3 is jammed, again\",it\r\n"
                + "t2,broken \"quote,it\r\n"
                + "t3,\"Password reset\nfor the VPN\",security\r\n"
                + "t4,\"closed\" then text,it\r\n"
                + "t5,too,many,fields\r\n"
                + "t6,\"Badge does not open the \"\"north\"\" door\",security\r\n"
                + "t7,,it\r\n";
        Path input = inbox.resolve("tickets-" + System.nanoTime() + ".csv");
        Files.writeString(input, csv);
        JsonObject launched = startJob("prepare-dataset", Map.of("dataset.name", "tickets-it", "input.path",
                input.getFileName().toString(), "id.field", "ticket", "text.field", "body", "label.field", "category",
                "split", "1,0,0", "augment", "eda", "augment.factor", "2"));
        JsonObject execution = awaitEnd(launched.getJsonNumber("executionId").longValue(), Duration.ofMinutes(2));
        assertEquals("COMPLETED", execution.getString("batchStatus"), execution::toString);
        long version = step(execution, "manifest").getJsonObject("counts").getJsonNumber("version").longValue();
        List<JsonObject> rows = getLines("/api/datasets/tickets-it/versions/" + version + "/records?split=train");
        List<JsonObject> train = rows.stream().filter(r -> !r.containsKey("parent")).toList();
        assertEquals(List.of("t1", "t3", "t6"), train.stream().map(r -> r.getString("id")).toList());
        assertEquals("Badge does not open the \"north\" door", train.get(2).getString("text"));
        // augment=eda: children of train rows, each naming its parent and the generator with its seed
        List<JsonObject> children = rows.stream().filter(r -> r.containsKey("parent")).toList();
        assertTrue(children.size() >= 3 && children.size() <= 6, rows::toString);
        for (JsonObject c : children) {
            assertTrue(List.of("t1", "t3", "t6").contains(c.getString("parent")), c::toString);
            assertTrue(c.getString("generator").startsWith("eda(seed=42,factor=2):"), c::toString);
        }
        Map<Integer, String> reasons = getLines("/api/datasets/tickets-it/versions/" + version
                + "/records?split=quarantine").stream().collect(Collectors.toMap(q -> q.getInt("line"),
                        q -> q.getString("reason"), (x, y) -> x, TreeMap::new));
        assertEquals(Map.of(3, "MALFORMED_LINE", 6, "MALFORMED_LINE", 7, "MALFORMED_LINE", 9, "EMPTY_TEXT"), reasons);
        assertEquals("csv", manifest("tickets-it", "latest").getJsonObject("source").getString("format"));
    }

    @Test
    void chineseClaimsAreCleanedRedactedAndMeasuredWithTheChineseTokenizer() throws Exception {
        String[] kinds = {"车险理赔", "医疗报销", "财产损失", "意外伤害"};
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            String text = "客户" + (char) ('甲' + i) + "申请" + kinds[i % 4] + "，金额" + (1000 + i * 37)
                    + "元。联系电话：１３９" + String.format("%08d", 12345670 + i) + "，身份证11010519491231002X。";
            jsonl.append(Json.createObjectBuilder().add("id", "zh" + i).add("text", text)
                    .add("label", kinds[i % 4]).build()).append('\n');
        }
        JsonObject launched = startJob("prepare-dataset", Map.of("dataset.name", "claims-zh-it", "input.path",
                writeInbox("claims.jsonl", jsonl.toString()), "tokenizer", "bge-small-zh-v1.5", "dedupe", "exact"));
        JsonObject execution = awaitEnd(launched.getJsonNumber("executionId").longValue(), Duration.ofMinutes(2));
        assertEquals("COMPLETED", execution.getString("batchStatus"), execution::toString);
        JsonObject manifest = manifest("claims-zh-it", "latest");
        assertEquals("bge-small-zh-v1.5", manifest.getJsonObject("tokenizer").getString("name"));
        assertEquals(24, manifest.getJsonObject("counts").getInt("records"));
        assertEquals(24, manifest.getJsonObject("redactions").getInt("CN_PHONE"));
        assertEquals(24, manifest.getJsonObject("redactions").getInt("CN_ID"));
        List<JsonObject> records = datasetRecords("claims-zh-it", "latest");
        JsonObject first = records.stream().filter(r -> r.getString("id").equals("zh0")).findFirst().orElseThrow();
        assertEquals("客户甲申请车险理赔,金额1000元。联系电话:[CN_PHONE],身份证[CN_ID]。", first.getString("text"));
        // bge-small-zh counts a token per Chinese character: the text above is about 40 tokens, not 5 words
        assertTrue(manifest.getJsonObject("tokens").getInt("min") > 30, manifest.getJsonObject("tokens")::toString);
    }

    @Tag(AbstractIT.DATABASE)
    @Test
    void aDatabaseTableIsReadThroughJdbc() throws Exception {
        String table = "it_tickets_" + System.nanoTime() % 1_000_000_000L;
        Reply created = post("/api/test-fixtures/tickets/" + table, null);
        assertEquals(200, created.status(), created::text);
        JsonObject launched = startJob("prepare-dataset", Map.of("dataset.name", "tickets-jdbc-it",
                "input.format", "jdbc", "input.datasource", "java:jboss/datasources/TuneledgerDS", "input.table", table,
                "id.field", "ticket_id", "text.field", "body", "label.field", "category",
                "checkpoint.every.records", "7", "dedupe", "none"));
        JsonObject execution = awaitEnd(launched.getJsonNumber("executionId").longValue(), Duration.ofMinutes(2));
        assertEquals("COMPLETED", execution.getString("batchStatus"), execution::toString);
        long version = step(execution, "manifest").getJsonObject("counts").getJsonNumber("version").longValue();
        JsonObject manifest = manifest("tickets-jdbc-it", Long.toString(version));
        assertEquals(30, manifest.getJsonObject("counts").getInt("read"));
        assertEquals(28, manifest.getJsonObject("counts").getInt("records"));
        assertEquals(table, manifest.getJsonObject("source").getString("table"));
        assertEquals(64, manifest.getJsonObject("source").getString("sha256").length());
        assertEquals(28, manifest.getJsonObject("redactions").getInt("PHONE"));
        Map<Integer, String> reasons = getLines("/api/datasets/tickets-jdbc-it/versions/" + version
                + "/records?split=quarantine").stream().collect(Collectors.toMap(q -> q.getInt("line"),
                        q -> q.getString("reason")));
        assertEquals(Map.of(5, "EMPTY_TEXT", 9, "MISSING_LABEL"), reasons);
        assertTrue(datasetRecords("tickets-jdbc-it", Long.toString(version)).stream()
                .allMatch(r -> r.getString("text").endsWith("call me on [PHONE]")));
    }

    @Test
    void badParametersAreRejectedWith400NamingEachParameterAndNothingStarts() throws Exception {
        int before = get("/api/executions?limit=1000").array().size();

        Reply missing = post("/api/jobs/prepare-dataset/executions", parameters(Map.of("input.path", SAMPLE)));
        assertEquals(400, missing.status());
        assertEquals(List.of("dataset.name"), parameterNames(missing));

        Reply outside = post("/api/jobs/prepare-dataset/executions",
                parameters(Map.of("dataset.name", "x", "input.path", "/etc/passwd")));
        assertEquals(400, outside.status());
        assertEquals(List.of("input.path"), parameterNames(outside));
        assertTrue(message(outside).contains("outside the data roots"), outside.text());

        Reply escape = post("/api/jobs/prepare-dataset/executions",
                parameters(Map.of("dataset.name", "x", "input.path", "../../../../../../etc/hostname")));
        assertEquals(400, escape.status());
        assertEquals(List.of("input.path"), parameterNames(escape));

        Reply typo = post("/api/jobs/prepare-dataset/executions",
                parameters(Map.of("dataset.name", "Bad Name!", "input.path", SAMPLE, "text.feild", "body")));
        assertEquals(400, typo.status());
        assertEquals(List.of("dataset.name", "text.feild"), parameterNames(typo).stream().sorted().toList());

        Reply notJson = postRaw("/api/jobs/prepare-dataset/executions", "{\"parameters\": [1, 2]}");
        assertEquals(400, notJson.status());
        assertEquals(List.of("parameters"), parameterNames(notJson));

        Reply csvField = post("/api/jobs/prepare-dataset/executions", parameters(Map.of("dataset.name", "x",
                "input.path", writeInbox("h.csv", "id,body,label\n1,a,b\n"))));
        assertEquals(400, csvField.status());
        assertEquals(List.of("text.field"), parameterNames(csvField));
        assertTrue(message(csvField).contains("id, body, label"), csvField.text());

        Reply split = post("/api/jobs/prepare-dataset/executions",
                parameters(Map.of("dataset.name", "x", "input.path", SAMPLE, "split", "0.5,0.6,0.1", "dedupe", "fuzzy")));
        assertEquals(400, split.status());
        assertEquals(List.of("dedupe", "split"), parameterNames(split).stream().sorted().toList());

        Reply jdbc = post("/api/jobs/prepare-dataset/executions", parameters(Map.of("dataset.name", "x",
                "input.format", "jdbc", "input.datasource", "java:jboss/datasources/NoSuchDS", "input.table", "t")));
        assertEquals(400, jdbc.status());
        assertEquals(List.of("input.datasource"), parameterNames(jdbc));

        Reply table = post("/api/jobs/prepare-dataset/executions", parameters(Map.of("dataset.name", "x",
                "input.format", "jdbc", "input.datasource", "java:jboss/datasources/TuneledgerDS",
                "input.table", "x; drop table y")));
        assertEquals(400, table.status());
        assertEquals(List.of("input.table"), parameterNames(table));

        assertEquals(before, get("/api/executions?limit=1000").array().size(), "no execution was created");
    }

    @Test
    void unknownJobAndExecutionAre404() throws Exception {
        Reply job = post("/api/jobs/no-such-job/executions", parameters(Map.of()));
        assertEquals(404, job.status());
        assertFalse(message(job).isBlank());
        assertEquals(404, get("/api/executions/987654321").status());
    }

    private static String writeInbox(String name, String content) throws Exception {
        Path inbox = storeHome().resolve("inbox");
        Files.createDirectories(inbox);
        Path file = inbox.resolve(System.nanoTime() + "-" + name);
        Files.writeString(file, content);
        return file.getFileName().toString();
    }

    private static List<String> parameterNames(Reply reply) {
        return reply.object().getJsonArray("errors").stream().map(JsonValue::asJsonObject)
                .map(e -> e.getString("parameter", "")).toList();
    }

    private static String message(Reply reply) {
        return reply.object().getJsonArray("errors").getJsonObject(0).getString("message");
    }
}
