package io.tuneledger.data;

import io.tuneledger.ml.QueryPair;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Question–answer pairs from a directory in the BEIR layout (which Vertex AI's embedding tuning also takes):
 * {@code corpus.jsonl} ({@code _id}, optional {@code title}, {@code text}), {@code queries.jsonl} ({@code _id},
 * {@code text}) and {@code qrels/*.tsv} (a header row, then query id, document id and relevance score, tab-separated;
 * the files in name order). A judgement with a positive score makes a pair; one with score 0 or less marks the
 * document as not answering the query, and the first such document becomes the hard negative of that query's pairs.
 * A document's text is its title, a new line, and its text. Every line that cannot be used is quarantined with its
 * reason and, in the detail, its file and line; queries without a positive judgement make no pair.
 */
public final class BeirDirectory {

    public static final String CORPUS = "corpus.jsonl";
    public static final String QUERIES = "queries.jsonl";
    public static final String QRELS = "qrels";

    /** The pairs in judgement order, the quarantined lines, and every document of the corpus, in corpus order. */
    public record Content(List<PairRecord> pairs, List<IngestOutcome.Quarantined> quarantined,
            Map<String, String> documents) {
    }

    private BeirDirectory() {
    }

    /** Whether {@code dir} looks like a BEIR directory (its corpus, queries and qrels are there). */
    public static boolean isBeir(Path dir) {
        return Files.isRegularFile(dir.resolve(CORPUS)) && Files.isRegularFile(dir.resolve(QUERIES))
                && Files.isDirectory(dir.resolve(QRELS));
    }

    public static Content read(Path dir) throws IOException {
        if (!isBeir(dir)) {
            throw new IOException(dir + " is not a BEIR directory: it needs " + CORPUS + ", " + QUERIES + " and "
                    + QRELS + "/*.tsv");
        }
        List<IngestOutcome.Quarantined> quarantined = new ArrayList<>();
        Map<String, String> documents = texts(dir.resolve(CORPUS), true, quarantined);
        Map<String, String> queries = texts(dir.resolve(QUERIES), false, quarantined);
        List<Path> qrels;
        try (Stream<Path> files = Files.list(dir.resolve(QRELS))) {
            qrels = files.filter(f -> f.getFileName().toString().endsWith(".tsv")).sorted().toList();
        }
        if (qrels.isEmpty()) {
            throw new IOException(dir.resolve(QRELS) + " holds no .tsv file of relevance judgements");
        }
        record Positive(long line, String queryId, String documentId) {
        }
        List<Positive> positives = new ArrayList<>();
        Map<String, String> negatives = new HashMap<>();
        for (Path file : qrels) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                long number = i + 1;
                if (line.isBlank() || (i == 0 && line.startsWith("query-id"))) {
                    continue;
                }
                String where = QRELS + "/" + file.getFileName() + " line " + number;
                String[] cells = line.split("\t", -1);
                Integer score = cells.length == 3 ? parseScore(cells[2].strip()) : null;
                if (score == null) {
                    quarantined.add(new IngestOutcome.Quarantined(number, null, QuarantineReason.MALFORMED_LINE,
                            where + ": expected query id, document id and an integer score, tab-separated")
                            .withExcerptOf(line));
                    continue;
                }
                String queryId = cells[0].strip();
                String documentId = cells[1].strip();
                String id = queryId + "/" + documentId;
                if (!queries.containsKey(queryId) || !documents.containsKey(documentId)) {
                    quarantined.add(new IngestOutcome.Quarantined(number, id, QuarantineReason.UNKNOWN_REFERENCE,
                            where + ": " + (!queries.containsKey(queryId) ? "query '" + queryId + "' is not in "
                                    + QUERIES : "document '" + documentId + "' is not in " + CORPUS)));
                } else if (score > 0) {
                    positives.add(new Positive(number, queryId, documentId));
                } else {
                    negatives.putIfAbsent(queryId, documentId);
                }
            }
        }
        List<PairRecord> pairs = new ArrayList<>();
        for (Positive p : positives) {
            String id = p.queryId() + "/" + p.documentId();
            String query = queries.get(p.queryId());
            String positive = documents.get(p.documentId());
            if (query.isBlank()) {
                quarantined.add(new IngestOutcome.Quarantined(p.line(), id, QuarantineReason.MISSING_QUERY,
                        "query '" + p.queryId() + "' has no text in " + QUERIES));
            } else if (positive.isBlank()) {
                quarantined.add(new IngestOutcome.Quarantined(p.line(), id, QuarantineReason.EMPTY_POSITIVE,
                        "document '" + p.documentId() + "' has no text in " + CORPUS).withExcerptOf(query));
            } else {
                String negativeId = negatives.get(p.queryId());
                boolean usable = negativeId != null && !negativeId.equals(p.documentId())
                        && !documents.get(negativeId).isBlank();
                pairs.add(new PairRecord(new QueryPair(id, query, p.documentId(), positive, usable ? negativeId : null,
                        usable ? documents.get(negativeId) : null), p.line()));
            }
        }
        return new Content(pairs, quarantined, documents);
    }

    private static Integer parseScore(String cell) {
        try {
            return Integer.valueOf(cell);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The texts of a corpus or queries file by id, in file order (the corpus joins title and text); lines that are
     * not a JSON object with an {@code _id} are quarantined. A text may be empty: whether that matters depends on
     * the pairs that use it.
     */
    private static Map<String, String> texts(Path file, boolean corpus, List<IngestOutcome.Quarantined> quarantined)
            throws IOException {
        Map<String, String> texts = new LinkedHashMap<>();
        long number = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String where = file.getFileName() + " line " + number;
                JsonObject o;
                try (JsonReader r = Json.createReader(new StringReader(line))) {
                    JsonValue value = r.readValue();
                    if (!(value instanceof JsonObject object)) {
                        throw new JsonException("not an object");
                    }
                    o = object;
                } catch (JsonException e) {
                    quarantined.add(new IngestOutcome.Quarantined(number, null, QuarantineReason.MALFORMED_LINE,
                            where + ": not a JSON object").withExcerptOf(line));
                    continue;
                }
                String id = string(o, "_id");
                if (id == null || id.isBlank()) {
                    quarantined.add(new IngestOutcome.Quarantined(number, null, QuarantineReason.MISSING_ID,
                            where + ": no _id").withExcerptOf(line));
                    continue;
                }
                String text = string(o, "text");
                String title = corpus ? string(o, "title") : null;
                String joined = (title == null || title.isBlank() ? "" : title.strip() + "\n")
                        + (text == null ? "" : text);
                if (texts.containsKey(id.strip())) {
                    quarantined.add(new IngestOutcome.Quarantined(number, id.strip(), QuarantineReason.MALFORMED_LINE,
                            where + ": _id '" + id.strip() + "' occurs again; the first is kept").withExcerptOf(line));
                    continue;
                }
                texts.put(id.strip(), joined);
            }
        }
        return texts;
    }

    private static String string(JsonObject o, String key) {
        return o.get(key) instanceof JsonString s ? s.getString() : null;
    }
}
