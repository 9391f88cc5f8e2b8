package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deduplicate, split and manifest steps' logic on a staging directory, without a server. */
class DatasetAssemblerTest {

    @TempDir
    Path dir;

    /** Writes a staging directory: 40 records (2 exact copies, 1 conflict pair) and 3 quarantined lines. */
    private Path staging(long readCount) throws Exception {
        Path s = dir.resolve("staging");
        Files.createDirectories(s);
        List<String> accepted = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            String text = switch (i) {
                case 12 -> "text number 3 about things";
                case 20 -> "text number 5 about things";
                case 31, 32 -> "same words different labels";
                default -> "text number " + i + " about things";
            };
            String label = i == 32 ? "spam" : i % 3 == 0 ? "spam" : "ham";
            if (i == 31) {
                label = "ham";
            }
            accepted.add(IngestOutcomes.toJson(new PreparedRecord("id" + i, text, label, i * 2L, 8, false,
                    i == 1 ? Map.of(PiiRedactor.Kind.EMAIL, 2) : Map.of())).toString());
        }
        Files.write(s.resolve(DatasetAssembler.ACCEPTED), accepted);
        Files.write(s.resolve(DatasetAssembler.QUARANTINE), List.of(
                IngestOutcomes.toJson(new IngestOutcome.Quarantined(1, null, QuarantineReason.MALFORMED_LINE, "x")).toString(),
                IngestOutcomes.toJson(new IngestOutcome.Quarantined(63, "q", QuarantineReason.EMPTY_TEXT, "y")).toString(),
                IngestOutcomes.toJson(new IngestOutcome.Quarantined(99, "z", QuarantineReason.UNKNOWN_LABEL, "z")).toString()));
        new IngestSummary(readCount, -1).write(s);
        Deduplicator d = new Deduplicator(Deduplicator.Mode.EXACT, 0.9);
        JsonlFiles.forEach(s.resolve(DatasetAssembler.ACCEPTED), r -> d.add(r.getJsonNumber("line").longValue(),
                r.getString("id"), r.getString("label"), r.getString("text")));
        List<StratifiedSplitter.Member> members = new ArrayList<>();
        try (JsonlFiles.AtomicWriter w = new JsonlFiles.AtomicWriter(s.resolve(DatasetAssembler.DECISIONS))) {
            for (Deduplicator.Decision x : d.decide()) {
                w.write(x.toJson());
                if (x.status() == Deduplicator.Status.KEPT) {
                    members.add(new StratifiedSplitter.Member(x.line(), x.id(), x.label(), x.group()));
                }
            }
            w.commit();
        }
        try (JsonlFiles.AtomicWriter w = new JsonlFiles.AtomicWriter(s.resolve(DatasetAssembler.ASSIGNMENTS))) {
            new StratifiedSplitter(new double[] {0.8, 0.1, 0.1}, 42).assign(members).forEach((line, split) ->
                    w.write(Json.createObjectBuilder().add("line", line).add("split", split.parameterName()).build()));
            w.commit();
        }
        return s;
    }

    @Test
    void theManifestRecordsTheRunAndReadsBackAsWritten() throws Exception {
        DatasetAssembler.Result r = DatasetAssembler.assemble(staging(43), dir.resolve("m"), null);
        Path source = dir.resolve("mails.jsonl");
        Files.writeString(source, "{}\n");
        io.tuneledger.config.ParameterValues parameters = io.tuneledger.config.ParameterValues.of(Map.of(
                "dataset.name", "mails", "input.path", source.toString(), "input.format", "jsonl", "dedupe", "exact",
                "clean", "html,nfkc"));
        DatasetManifest m = DatasetManifests.of("mails", 3, "classification", java.time.Instant.parse(
                "2026-12-01T10:00:00Z"), 7, 9, DatasetManifests.file("jsonl", source, 3), parameters, r, null);
        JsonObject json = m.toJson();
        assertEquals(json, DatasetManifest.parse(json.toString()).toJson());
        assertEquals("classification", json.getString("task"));
        assertEquals("html,nfkc", json.getJsonObject("cleaning").getString("rules"));
        assertEquals(true, json.getJsonObject("cleaning").getBoolean("redactPii"), "the default is recorded");
        assertEquals(0.9, json.getJsonObject("dedupe").getJsonNumber("threshold").doubleValue());
        assertEquals(36, json.getJsonObject("counts").getInt("records"));
        assertEquals(r.contentSha256(), json.getString("contentSha256"));
        assertEquals(7, json.getJsonObject("job").getInt("instanceId"));
        java.io.IOException changed = assertThrows(java.io.IOException.class,
                () -> DatasetManifests.file("jsonl", source, 2));
        assertTrue(changed.getMessage().contains("changed during the job"), changed.getMessage());
    }

    @Test
    void everyRecordIsAccountedForAndTheContentHashIsReproducible() throws Exception {
        Path s = staging(43);
        DatasetAssembler.Result a = DatasetAssembler.assemble(s, dir.resolve("a"), null);
        assertEquals(36, a.records());
        assertEquals(5, a.quarantined());
        assertEquals(2, a.duplicates());
        JsonObject stats = a.statistics().toJson();
        assertEquals(1, stats.getJsonObject("quarantine").getInt("LABEL_CONFLICT") / 2);
        assertEquals(2, stats.getJsonObject("redactions").getInt("EMAIL"));
        assertEquals(36, stats.getJsonObject("tokens").getInt("count"));
        Set<String> ids = new HashSet<>();
        for (String split : List.of("train", "validation", "test")) {
            JsonlFiles.forEach(dir.resolve("a").resolve(split + ".jsonl"), r -> assertTrue(ids.add(r.getString("id"))));
        }
        assertEquals(36, ids.size());
        List<Long> quarantineLines = new ArrayList<>();
        JsonlFiles.forEach(dir.resolve("a").resolve("quarantine.jsonl"),
                q -> quarantineLines.add(q.getJsonNumber("line").longValue()));
        assertEquals(List.of(1L, 62L, 63L, 64L, 99L), quarantineLines);

        DatasetAssembler.Result b = DatasetAssembler.assemble(s, dir.resolve("b"), null);
        assertEquals(a.contentSha256(), b.contentSha256());
        for (String f : DatasetAssembler.FILES) {
            assertEquals(-1L, Files.mismatch(dir.resolve("a").resolve(f), dir.resolve("b").resolve(f)), f);
        }
    }

    @Test
    void aLostRecordFailsTheReconciliation() throws Exception {
        Path s = staging(44);
        DatasetAssembler.ReconciliationException e = assertThrows(DatasetAssembler.ReconciliationException.class,
                () -> DatasetAssembler.assemble(s, dir.resolve("c"), null));
        assertTrue(e.getMessage().contains("read 44 != records 36 + quarantined 5 + duplicates 2"), e.getMessage());
    }

    @Test
    void augmentationAddsLabelledChildrenToTrainOnly() throws Exception {
        Path s = staging(43);
        Thesaurus t = Thesaurus.of(List.of(List.of("things", "items", "objects"), List.of("text", "writing")));
        DatasetAssembler.Result plain = DatasetAssembler.assemble(s, dir.resolve("p"), null);
        DatasetAssembler.Result aug = DatasetAssembler.assemble(s, dir.resolve("e"), new EdaAugmenter(t, 42, 2));
        assertTrue(aug.augmented() > 40, "rows: " + aug.augmented());
        assertNotEquals(plain.contentSha256(), aug.contentSha256());
        assertEquals(plain.records(), aug.records());
        List<JsonObject> children = new ArrayList<>();
        JsonlFiles.forEach(dir.resolve("e").resolve("train.jsonl"), r -> {
            if (r.containsKey("parent")) {
                children.add(r);
            }
        });
        assertEquals(aug.augmented(), children.size());
        assertTrue(children.get(0).getString("generator").startsWith("eda(seed=42,factor=2):"));
        assertTrue(children.get(0).getString("id").startsWith(children.get(0).getString("parent") + "#eda"));
        assertEquals(-1L, Files.mismatch(dir.resolve("p").resolve("test.jsonl"), dir.resolve("e").resolve("test.jsonl")));
        DatasetAssembler.Result again = DatasetAssembler.assemble(s, dir.resolve("f"), new EdaAugmenter(t, 42, 2));
        assertEquals(aug.contentSha256(), again.contentSha256());
    }

    @Test
    void blockedTermsMatchWholeWordsAndCjkAnywhere() {
        BlockedTerms b = BlockedTerms.of(List.of("ass", "Lottery Win", "彩票"));
        assertTrue(b.find("a class act").isEmpty());
        assertEquals("ass", b.find("what an ASS.").orElseThrow());
        assertEquals("lottery win", b.find("big ＬＯＴＴＥＲＹ WIN today").orElseThrow());
        assertEquals("彩票", b.find("购买彩票中奖").orElseThrow());
    }
}
