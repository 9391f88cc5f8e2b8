package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.ml.QueryPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeirDirectoryTest {

    @TempDir
    Path dir;

    private void write(String file, String... lines) throws IOException {
        Path path = dir.resolve(file);
        Files.createDirectories(path.getParent());
        Files.write(path, List.of(lines));
    }

    @Test
    void judgementsBecomePairsWithTheirHardNegativesAndEveryUnusableLineIsQuarantinedWithItsReason()
            throws IOException {
        write("corpus.jsonl",
                "{\"_id\": \"d1\", \"title\": \"cp\", \"text\": \"copy files and directories\"}",
                "{\"_id\": \"d2\", \"text\": \"move (rename) files\"}",
                "{\"_id\": \"d3\", \"text\": \" \"}",
                "{\"_id\": \"d4\", \"text\": \"list directory contents\"}",
                "{\"_id\": \"d1\", \"text\": \"a second d1\"}",
                "not json");
        write("queries.jsonl",
                "{\"_id\": \"q1\", \"text\": \"how do I copy a directory\"}",
                "{\"_id\": \"q2\", \"text\": \"rename a file\"}",
                "{\"_id\": \"q3\", \"text\": \"\"}",
                "{\"_id\": \"q4\", \"text\": \"an empty answer\"}",
                "{\"text\": \"no id\"}");
        write("qrels/test.tsv",
                "query-id\tcorpus-id\tscore",
                "q1\td1\t1",
                "q1\td2\t0",
                "q2\td2\t2",
                "q3\td1\t1",
                "q4\td3\t1",
                "q9\td1\t1",
                "q1\td9\t1",
                "q1 d1 one");
        assertTrue(BeirDirectory.isBeir(dir));
        BeirDirectory.Content content = BeirDirectory.read(dir);

        assertEquals(List.of("d1", "d2", "d3", "d4"), List.copyOf(content.documents().keySet()),
                "every document of the corpus, the unjudged d4 too, in corpus order");
        assertEquals("cp\ncopy files and directories", content.documents().get("d1"));
        assertEquals(2, content.pairs().size());
        QueryPair first = content.pairs().get(0).pair();
        assertEquals("q1/d1", first.id());
        assertEquals("how do I copy a directory", first.query());
        assertEquals("d2", first.negativeId(), "q1's document judged 0 is its hard negative");
        assertEquals("move (rename) files", first.negative());
        QueryPair second = content.pairs().get(1).pair();
        assertEquals("q2/d2", second.id());
        assertNull(second.negativeId());
        assertEquals(4, content.pairs().get(1).lineNumber());

        Map<QuarantineReason, Long> reasons = content.quarantined().stream().collect(Collectors.groupingBy(
                IngestOutcome.Quarantined::reason, Collectors.counting()));
        assertEquals(Map.of(QuarantineReason.MALFORMED_LINE, 3L, QuarantineReason.MISSING_ID, 1L,
                QuarantineReason.MISSING_QUERY, 1L, QuarantineReason.EMPTY_POSITIVE, 1L,
                QuarantineReason.UNKNOWN_REFERENCE, 2L), reasons);
        IngestOutcome.Quarantined unknown = content.quarantined().stream()
                .filter(q -> q.reason() == QuarantineReason.UNKNOWN_REFERENCE).findFirst().orElseThrow();
        assertEquals("qrels/test.tsv line 7: query 'q9' is not in queries.jsonl", unknown.detail());
        assertTrue(content.quarantined().stream().anyMatch(q -> q.detail().equals(
                "corpus.jsonl line 5: _id 'd1' occurs again; the first is kept")));
    }

    @Test
    void aDirectoryWithoutTheBeirFilesIsRefusedSayingWhatIsMissing() throws IOException {
        write("corpus.jsonl", "{\"_id\": \"d1\", \"text\": \"x\"}");
        assertFalse(BeirDirectory.isBeir(dir));
        IOException e = assertThrows(IOException.class, () -> BeirDirectory.read(dir));
        assertTrue(e.getMessage().contains("queries.jsonl"), e.getMessage());
    }
}
