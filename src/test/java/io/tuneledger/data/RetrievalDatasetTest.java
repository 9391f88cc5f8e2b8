package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.TaskType;
import io.tuneledger.ml.djl.TokenLengths;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prepare-dataset with task=retrieval, step by step as the job runs it (ingest, de-duplication, split, assembly) on
 * pairs from JSONL, the bundled sample and a BEIR directory, with the real tokenizer.
 */
class RetrievalDatasetTest {

    @TempDir
    Path dir;

    static TokenLengths tokens;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream en = BaseModel.ALL_MINILM_L6_V2.openTokenizer()) {
            tokens = TokenLengths.load(en);
        }
    }

    @AfterAll
    static void close() {
        tokens.close();
    }

    /** Runs the steps of prepare-dataset on {@code source} into {@code out}, as the job's steps do. */
    private DatasetAssembler.Result prepare(RecordSource source, Path out) throws Exception {
        Path staging = dir.resolve("staging-" + out.getFileName());
        Files.createDirectories(staging);
        RecordPreparer preparer = new RecordPreparer(new TextCleaner(CleaningRule.parse(CleaningRule.defaultValue())),
                true, Set.of(), BlockedTerms.none(), tokens, 64, RecordPreparer.LengthPolicy.TRUNCATE);
        List<String> accepted = new ArrayList<>();
        List<String> quarantine = new ArrayList<>();
        List<String> documents = new ArrayList<>();
        long read = 0;
        for (IngestOutcome o = source.next(); o != null; o = source.next()) {
            read++;
            IngestOutcome p = preparer.prepare(o);
            if (p instanceof IngestOutcome.PreparedPair pair) {
                accepted.add(IngestOutcomes.toJson(pair).toString());
            } else if (p instanceof IngestOutcome.PreparedDocument d) {
                documents.add(IngestOutcomes.toJson(d).toString());
            } else {
                quarantine.add(IngestOutcomes.toJson((IngestOutcome.Quarantined) p).toString());
            }
        }
        source.close();
        Files.write(staging.resolve(DatasetAssembler.ACCEPTED), accepted);
        Files.write(staging.resolve(DatasetAssembler.QUARANTINE), quarantine);
        Files.write(staging.resolve(DatasetAssembler.DOCUMENTS), documents);
        new IngestSummary(read, -1).write(staging);
        Deduplicator dedupe = new Deduplicator(Deduplicator.Mode.NEAR, 0.9);
        Map<Long, String> answerOf = new HashMap<>();
        JsonlFiles.forEach(staging.resolve(DatasetAssembler.ACCEPTED), r -> {
            dedupe.add(r.getJsonNumber("line").longValue(), r.getString("id"), DatasetAssembler.PAIR_LABEL,
                    r.getString("query") + "\n\n" + r.getString("positive"));
            answerOf.put(r.getJsonNumber("line").longValue(), r.getString("doc"));
        });
        List<StratifiedSplitter.Member> members = new ArrayList<>();
        try (JsonlFiles.AtomicWriter w = new JsonlFiles.AtomicWriter(staging.resolve(DatasetAssembler.DECISIONS))) {
            for (Deduplicator.Decision d : dedupe.decide()) {
                w.write(d.toJson());
                if (d.status() == Deduplicator.Status.KEPT) {
                    members.add(new StratifiedSplitter.Member(d.line(), d.id(), d.label(), d.group()));
                }
            }
            w.commit();
        }
        try (JsonlFiles.AtomicWriter w = new JsonlFiles.AtomicWriter(staging.resolve(DatasetAssembler.ASSIGNMENTS))) {
            new StratifiedSplitter(new double[] {0.6, 0.2, 0.2}, 42)
                    .assign(StratifiedSplitter.joinGroups(members, m -> answerOf.get(m.line())))
                    .forEach((line, split) -> w.write(Json.createObjectBuilder().add("line", line)
                            .add("split", split.parameterName()).build()));
            w.commit();
        }
        return DatasetAssembler.assemble(staging, out, null, TaskType.RETRIEVAL);
    }

    private static List<JsonObject> read(Path file) throws Exception {
        List<JsonObject> out = new ArrayList<>();
        JsonlFiles.forEach(file, out::add);
        return out;
    }

    @Test
    void pairsAreCleanedQuarantinedDeduplicatedAndSplitWithEveryAnswerInOneSplit() throws Exception {
        Path input = dir.resolve("pairs.jsonl");
        Files.write(input, List.of(
                "{\"id\":\"q1\",\"query\":\"how do I copy files?\",\"positive\":\"cp copies files and directories\","
                        + "\"negative\":\"mv moves files\"}",
                "{\"id\":\"q2\",\"query\":\"copy a directory with its contents\","
                        + "\"positive\":\"cp copies files and directories\"}",
                "{\"id\":\"q3\",\"query\":\"  \",\"positive\":\"rm removes files\"}",
                "{\"id\":\"q4\",\"query\":\"delete a file\",\"positive\":\"\"}",
                "{\"id\":\"q5\",\"query\":\"how do I copy files?\",\"positive\":\"cp copies files and directories\"}",
                "{\"id\":\"q6\",\"query\":\"mail me at jane.doe@example.com about ls\","
                        + "\"positive\":\"ls lists directory contents\",\"negative\":\"<p> </p>\"}",
                "{\"query\":\"no id here\",\"positive\":\"pwd prints the working directory\"}",
                "{\"id\":\"q8\",\"query\":\"print the current directory\","
                        + "\"positive\":\"pwd prints the working directory\"}",
                "{\"id\":\"q9\",\"query\":\"show where I am\",\"positive\":\"pwd prints the working directory\"}",
                "{\"id\":\"q10\",\"query\":\"count lines in a file\",\"positive\":\"wc counts lines, words and bytes\"}"));
        FieldMapping fields = FieldMapping.pairs("id", new PairFields("query", "positive", null, "negative"));
        DatasetAssembler.Result r = prepare(JsonlRecordSource.open(input, fields, null, 1 << 20), dir.resolve("v1"));

        assertEquals(10, r.read());
        assertEquals(6, r.records());
        assertEquals(3, r.quarantined());
        assertEquals(1, r.duplicates());
        Map<String, Long> reasons = r.statistics().quarantine();
        assertEquals(Map.of("MISSING_QUERY", 1L, "EMPTY_POSITIVE", 1L, "MISSING_ID", 1L), reasons);

        // every answer document in exactly one split; the three pairs answered by pwd's document stay together
        Map<String, Set<String>> splitsOfDocument = new HashMap<>();
        Map<String, JsonObject> pairs = new LinkedHashMap<>();
        for (Split s : List.of(Split.TRAIN, Split.VALIDATION, Split.TEST)) {
            for (JsonObject p : read(dir.resolve("v1").resolve(s.parameterName() + ".jsonl"))) {
                splitsOfDocument.computeIfAbsent(p.getString("doc"), d -> new HashSet<>()).add(s.parameterName());
                pairs.put(p.getString("id"), p);
            }
        }
        splitsOfDocument.forEach((doc, splits) -> assertEquals(1, splits.size(), doc + " is in " + splits));
        assertEquals(Set.of("q1", "q2", "q6", "q8", "q9", "q10"), pairs.keySet());
        // questions sharing an answer share its document; a hard negative is kept with its own id
        assertEquals(pairs.get("q1").getString("doc"), pairs.get("q2").getString("doc"));
        assertEquals(pairs.get("q8").getString("doc"), pairs.get("q9").getString("doc"));
        assertEquals("mv moves files", pairs.get("q1").getString("negative"));
        // personal data redacted in queries too; a negative that cleaning empties is dropped, the pair kept
        assertFalse(pairs.get("q6").getString("query").contains("jane.doe"));
        assertNull(pairs.get("q6").getString("negative", null));
        assertEquals(1L, r.statistics().redactions().get("EMAIL"));

        // the documents file: each answer and hard negative once
        List<JsonObject> documents = read(dir.resolve("v1").resolve(DatasetAssembler.DOCUMENTS));
        assertEquals(5, documents.size());
        assertEquals(5, r.statistics().counts().documents());
        assertTrue(documents.stream().anyMatch(d -> d.getString("text").equals("mv moves files")));
        assertTrue(r.statistics().files().containsKey(DatasetAssembler.DOCUMENTS));
        assertTrue(r.statistics().labels().isEmpty());
        assertEquals(6, r.statistics().splits().values().stream().mapToLong(DatasetStatistics.SplitCounts::records)
                .sum());

        // the same input gives the same bytes
        DatasetAssembler.Result again = prepare(JsonlRecordSource.open(input, fields, null, 1 << 20),
                dir.resolve("v2"));
        assertEquals(r.contentSha256(), again.contentSha256());
    }

    @Test
    void theBundledSampleKeepsEveryManualPageInOneSplit() throws Exception {
        Path sample = Path.of("samples/manpages-qa-en.jsonl");
        FieldMapping fields = FieldMapping.pairs("id", new PairFields("query", "positive", "doc", null));
        DatasetAssembler.Result r = prepare(JsonlRecordSource.open(sample, fields, null, 1 << 20), dir.resolve("en"));
        assertEquals(390, r.read());
        assertEquals(r.read(), r.records() + r.quarantined() + r.duplicates());
        assertTrue(r.records() > 370, "records " + r.records());
        Map<String, String> splitOfDocument = new HashMap<>();
        for (Split s : List.of(Split.TRAIN, Split.VALIDATION, Split.TEST)) {
            List<JsonObject> pairs = read(dir.resolve("en").resolve(s.parameterName() + ".jsonl"));
            assertTrue(pairs.size() > 30, s + " has " + pairs.size());
            for (JsonObject p : pairs) {
                String before = splitOfDocument.put(p.getString("doc"), s.parameterName());
                assertTrue(before == null || before.equals(s.parameterName()), p.getString("doc"));
            }
        }
    }

    @Test
    void aBeirDirectoryBringsItsWholeCorpusToSearch() throws Exception {
        Path beir = dir.resolve("beir");
        Files.createDirectories(beir.resolve("qrels"));
        List<String> corpus = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        List<String> qrels = new ArrayList<>(List.of("query-id\tcorpus-id\tscore"));
        for (int i = 0; i < 20; i++) {
            corpus.add("{\"_id\":\"d" + i + "\",\"title\":\"tool " + i + "\",\"text\":\"tool " + i
                    + " does task number " + i + "\"}");
            if (i < 10) {
                queries.add("{\"_id\":\"q" + i + "\",\"text\":\"which tool does task " + i + "?\"}");
                qrels.add("q" + i + "\td" + i + "\t1");
            }
        }
        corpus.add("{\"_id\":\"empty\",\"text\":\"\"}");
        qrels.add("q0\td19\t0");
        qrels.add("q1\tnowhere\t1");
        Files.write(beir.resolve("corpus.jsonl"), corpus);
        Files.write(beir.resolve("queries.jsonl"), queries);
        Files.write(beir.resolve("qrels/test.tsv"), qrels);

        DatasetAssembler.Result r = prepare(BeirRecordSource.open(beir, null), dir.resolve("b"));
        assertEquals(10, r.records());
        // the unknown document of a judgement, and the corpus document without text
        assertEquals(Map.of("UNKNOWN_REFERENCE", 1L, "EMPTY_TEXT", 1L), r.statistics().quarantine());
        assertEquals(20, r.statistics().counts().corpus());
        assertEquals(20, r.statistics().counts().documents());
        assertEquals(20, read(dir.resolve("b").resolve(DatasetAssembler.DOCUMENTS)).size());
        assertEquals(r.read(), r.records() + r.quarantined() + r.duplicates() + r.statistics().counts().corpus());
        // the judgement with score 0 is q0's hard negative
        boolean found = false;
        for (Split s : List.of(Split.TRAIN, Split.VALIDATION, Split.TEST)) {
            for (JsonObject p : read(dir.resolve("b").resolve(s.parameterName() + ".jsonl"))) {
                if (p.getString("id").equals("q0/d0")) {
                    assertEquals("d19", p.getString("negative.doc"));
                    found = true;
                }
            }
        }
        assertTrue(found);
    }
}
