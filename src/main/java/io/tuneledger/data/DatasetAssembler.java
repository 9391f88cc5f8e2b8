package io.tuneledger.data;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.tuneledger.ml.QueryPair;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.TaskType;

/**
 * Builds the files of a dataset version from a prepare-dataset run's staging directory: the three splits, the
 * quarantine (ingest quarantine and label conflicts, in input order) and the list of duplicates, each written all or
 * nothing. Counts everything and checks the reconciliation {@code read = records + quarantined + duplicates}.
 * Nothing in the files depends on when or where the job ran, so the same input and parameters give the same bytes.
 */
public final class DatasetAssembler {

    /** The staging files of one job instance (written by the ingest, deduplicate and split steps). */
    public static final String ACCEPTED = "accepted.jsonl";
    public static final String QUARANTINE = "quarantine.jsonl";
    public static final String DECISIONS = "decisions.jsonl";
    public static final String ASSIGNMENTS = "assignments.jsonl";
    /** Staging file of the corpus documents read as records (a BEIR corpus), and the version's documents file. */
    public static final String DOCUMENTS = "documents.jsonl";
    /** The one label retrieval pairs carry through de-duplication and the split. */
    public static final String PAIR_LABEL = "pair";
    /** The fields of a generation example in the split files. */
    public static final String PROMPT = "prompt";
    public static final String RESPONSE = "response";
    /** A conversation's messages before its response, in a generation split file (and staging). */
    public static final String MESSAGES = "messages";
    /** The one label adaptation texts (which have none) carry through de-duplication and the split. */
    public static final String TEXT_LABEL = "text";

    /** Files of a dataset version, in the order their hashes enter the content hash. */
    public static final List<String> FILES = List.of("train.jsonl", "validation.jsonl", "test.jsonl",
            "quarantine.jsonl", "duplicates.jsonl");

    /** The files of a version of {@code task}: a retrieval dataset adds its documents. */
    public static List<String> files(TaskType task) {
        if (task == TaskType.RETRIEVAL) {
            List<String> files = new ArrayList<>(FILES);
            files.add(DOCUMENTS);
            return List.copyOf(files);
        }
        return FILES;
    }

    /** The reconciliation does not hold: records were lost or counted twice. */
    public static final class ReconciliationException extends IOException {
        public ReconciliationException(String message) {
            super(message);
        }
    }

    /** What was built: the content hash, the counts, and the statistics for the manifest. */
    public record Result(String contentSha256, long read, long records, long quarantined, long duplicates,
            long augmented, DatasetStatistics statistics) {
    }

    private DatasetAssembler() {
    }

    /** Builds a classification dataset's files in {@code out} from {@code staging}. */
    public static Result assemble(Path staging, Path out, EdaAugmenter augmenter) throws IOException {
        return assemble(staging, out, augmenter, TaskType.CLASSIFICATION);
    }

    /**
     * Builds the dataset files in {@code out} from {@code staging}. For retrieval, the split files hold pairs and
     * {@value #DOCUMENTS} every document that can be searched: the kept pairs' answers and hard negatives in input
     * order, then the corpus documents read as records, each id once ({@code {"id","text"}}).
     * For generation, the split files hold {@code {"id","prompt","messages"?,"response","line"}}: for a conversation,
     * {@code messages} holds the messages before the response and {@code prompt} their text.
     *
     * @param augmenter augments the train split, or {@code null} (always for retrieval)
     */
    public static Result assemble(Path staging, Path out, EdaAugmenter augmenter, TaskType task)
            throws IOException {
        boolean pairs = task.pairs();
        boolean generation = task == TaskType.GENERATION;
        boolean unlabelled = task == TaskType.ADAPTATION;
        if ((pairs || unlabelled) && augmenter != null) {
            throw new IllegalArgumentException("augmentation applies to classification only");
        }
        List<String> fileNames = files(task);
        Map<String, String> documents = new java.util.LinkedHashMap<>();
        long[] corpus = new long[1];
        Files.createDirectories(out);
        long read = IngestSummary.read(staging).read();
        Map<Long, JsonObject> decisions = new HashMap<>();
        JsonlFiles.forEach(staging.resolve(DECISIONS), d -> decisions.put(d.getJsonNumber("line").longValue(), d));
        Map<Long, String> assignments = new HashMap<>();
        JsonlFiles.forEach(staging.resolve(ASSIGNMENTS),
                a -> assignments.put(a.getJsonNumber("line").longValue(), a.getString("split")));

        Map<String, JsonlFiles.AtomicWriter> splits = new java.util.LinkedHashMap<>();
        Map<String, Map<String, Long>> labelsBySplit = new TreeMap<>();
        Map<String, Long> duplicateKinds = new TreeMap<>();
        Map<String, Long> quarantineReasons = new TreeMap<>();
        Map<PiiRedactor.Kind, Long> redactions = new EnumMap<>(PiiRedactor.Kind.class);
        List<JsonObject> conflicts = new ArrayList<>();
        long[][] tokens = {new long[1024]};
        int[] counts = new int[1];
        long[] truncated = new long[1];
        long[] augmented = new long[1];
        String[] fileHashes = new String[fileNames.size()];
        Map<String, Long> bySplit = new TreeMap<>();
        try (JsonlFiles.AtomicWriter train = new JsonlFiles.AtomicWriter(out.resolve(FILES.get(0)));
                JsonlFiles.AtomicWriter validation = new JsonlFiles.AtomicWriter(out.resolve(FILES.get(1)));
                JsonlFiles.AtomicWriter test = new JsonlFiles.AtomicWriter(out.resolve(FILES.get(2)));
                JsonlFiles.AtomicWriter quarantine = new JsonlFiles.AtomicWriter(out.resolve(FILES.get(3)));
                JsonlFiles.AtomicWriter duplicates = new JsonlFiles.AtomicWriter(out.resolve(FILES.get(4)))) {
            splits.put("train", train);
            splits.put("validation", validation);
            splits.put("test", test);
            JsonlFiles.forEach(staging.resolve(ACCEPTED), r -> {
                long line = r.getJsonNumber("line").longValue();
                JsonObject d = decisions.get(line);
                if (d == null) {
                    throw new IllegalStateException("no de-duplication decision for input line " + line);
                }
                String status = d.getString("status");
                if (status.equals(Deduplicator.Status.CONFLICT.name())) {
                    conflicts.add(Json.createObjectBuilder().add("line", line).add("id", r.getString("id"))
                            .add("reason", QuarantineReason.LABEL_CONFLICT.name())
                            .add("detail", "the same text has label '" + d.getString("ofLabel", "?") + "' at line "
                                    + d.getJsonNumber("ofLine").longValue() + " (id " + d.getString("of") + ")")
                            .add("excerpt", excerpt(r.getString("text"))).build());
                    return;
                }
                if (status.equals(Deduplicator.Status.DUPLICATE.name())) {
                    JsonObjectBuilder dup = Json.createObjectBuilder().add("line", line).add("id", r.getString("id"));
                    if (!pairs && !unlabelled) {
                        dup.add("label", r.getString("label"));
                    }
                    duplicates.write(dup.add("kind", d.getString("kind"))
                            .add("of", d.getString("of")).add("ofLine", d.getJsonNumber("ofLine").longValue())
                            .add("similarity", d.getJsonNumber("similarity").doubleValue()).build());
                    duplicateKinds.merge(d.getString("kind"), 1L, Long::sum);
                    return;
                }
                String split = assignments.get(line);
                if (split == null) {
                    throw new IllegalStateException("no split assigned to input line " + line);
                }
                JsonlFiles.AtomicWriter w = splits.get(split);
                bySplit.merge(split, 1L, Long::sum);
                if (generation) {
                    QueryPair pair = IngestOutcomes.pairOf(r);
                    JsonObjectBuilder b = Json.createObjectBuilder().add("id", pair.id()).add(PROMPT, pair.query());
                    if (r.containsKey(MESSAGES)) {
                        b.add(MESSAGES, r.getJsonArray(MESSAGES));
                    }
                    w.write(b.add(RESPONSE, pair.document()).add("line", line).build());
                } else if (pairs) {
                    QueryPair pair = IngestOutcomes.pairOf(r);
                    w.write(IngestOutcomes.pairFields(pair).add("line", line).build());
                    documents.putIfAbsent(pair.documentId(), pair.document());
                    if (pair.negativeId() != null) {
                        documents.putIfAbsent(pair.negativeId(), pair.negative());
                    }
                } else if (unlabelled) {
                    w.write(Json.createObjectBuilder().add("id", r.getString("id")).add("text", r.getString("text"))
                            .add("line", line).build());
                } else {
                    w.write(Json.createObjectBuilder().add("id", r.getString("id")).add("text", r.getString("text"))
                            .add("label", r.getString("label")).add("line", line).build());
                    labelsBySplit.computeIfAbsent(split, s -> new TreeMap<>()).merge(r.getString("label"), 1L,
                            Long::sum);
                }
                if (counts[0] == tokens[0].length) {
                    tokens[0] = Arrays.copyOf(tokens[0], tokens[0].length * 2);
                }
                tokens[0][counts[0]++] = r.getInt("tokens");
                if (r.getBoolean("truncated", false)) {
                    truncated[0]++;
                }
                JsonObject pii = r.getJsonObject("pii");
                if (pii != null) {
                    pii.forEach((k, v) -> redactions.merge(PiiRedactor.Kind.valueOf(k),
                            ((jakarta.json.JsonNumber) v).longValue(), Long::sum));
                }
                if (augmenter != null && split.equals("train")) {
                    for (EdaAugmenter.Variant v : augmenter.variants(r.getString("id"), r.getString("text"))) {
                        w.write(Json.createObjectBuilder().add("id", v.id()).add("text", v.text())
                                .add("label", r.getString("label")).add("parent", r.getString("id"))
                                .add("generator", augmenter.generator() + ":" + v.operation()).build());
                        augmented[0]++;
                    }
                }
            });
            mergeQuarantine(staging.resolve(QUARANTINE), conflicts, quarantine, quarantineReasons);
            if (pairs && !generation) {
                Path stagedDocuments = staging.resolve(DOCUMENTS);
                if (Files.exists(stagedDocuments)) {
                    JsonlFiles.forEach(stagedDocuments, d -> {
                        corpus[0]++;
                        documents.putIfAbsent(d.getString("doc"), d.getString("text"));
                    });
                }
            }
            fileHashes[0] = train.commit();
            fileHashes[1] = validation.commit();
            fileHashes[2] = test.commit();
            fileHashes[3] = quarantine.commit();
            fileHashes[4] = duplicates.commit();
            if (task == TaskType.RETRIEVAL) {
                try (JsonlFiles.AtomicWriter docs = new JsonlFiles.AtomicWriter(out.resolve(DOCUMENTS))) {
                    documents.forEach((id, text) -> docs.write(Json.createObjectBuilder().add("id", id)
                            .add("text", text).build()));
                    fileHashes[5] = docs.commit();
                }
            }
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }

        long records = counts[0];
        long quarantined = quarantineReasons.values().stream().mapToLong(Long::longValue).sum();
        long duplicateCount = duplicateKinds.values().stream().mapToLong(Long::longValue).sum();
        if (read != records + quarantined + duplicateCount + corpus[0]) {
            throw new ReconciliationException("reconciliation failed: read " + read + " != records " + records
                    + " + quarantined " + quarantined + " + duplicates " + duplicateCount
                    + (task == TaskType.RETRIEVAL ? " + corpus documents " + corpus[0] : ""));
        }
        StringBuilder content = new StringBuilder();
        Map<String, DatasetStatistics.FileInfo> files = new java.util.LinkedHashMap<>();
        for (int i = 0; i < fileNames.size(); i++) {
            content.append(fileNames.get(i)).append(' ').append(fileHashes[i]).append('\n');
            files.put(fileNames.get(i), new DatasetStatistics.FileInfo(fileHashes[i],
                    Files.size(out.resolve(fileNames.get(i)))));
        }
        Map<String, DatasetStatistics.SplitCounts> splitCounts = new java.util.LinkedHashMap<>();
        Map<String, Long> totals = new TreeMap<>();
        for (Split split : List.of(Split.TRAIN, Split.VALIDATION, Split.TEST)) {
            Map<String, Long> byLabel = labelsBySplit.getOrDefault(split.parameterName(), Map.of());
            splitCounts.put(split.parameterName(), new DatasetStatistics.SplitCounts(
                    bySplit.getOrDefault(split.parameterName(), 0L), new TreeMap<>(byLabel)));
            byLabel.forEach((l, n) -> totals.merge(l, n, Long::sum));
        }
        Map<String, Long> pii = new java.util.LinkedHashMap<>();
        redactions.forEach((k, n) -> pii.put(k.name(), n));
        DatasetStatistics statistics = new DatasetStatistics(
                new DatasetStatistics.Counts(read, records, quarantined, duplicateCount, augmented[0],
                        documents.size(), corpus[0]), totals,
                splitCounts, quarantineReasons, duplicateKinds, pii,
                tokenStatistics(Arrays.copyOf(tokens[0], counts[0]), truncated[0]), files);
        return new Result(JsonlFiles.sha256(content.toString()), read, records, quarantined, duplicateCount,
                augmented[0], statistics);
    }

    private static void mergeQuarantine(Path staged, List<JsonObject> conflicts, JsonlFiles.AtomicWriter out,
            Map<String, Long> reasons) throws IOException {
        int[] next = {0};
        if (Files.exists(staged)) {
            JsonlFiles.forEach(staged, q -> {
                long line = q.getJsonNumber("line").longValue();
                while (next[0] < conflicts.size() && conflicts.get(next[0]).getJsonNumber("line").longValue() < line) {
                    write(conflicts.get(next[0]++), out, reasons);
                }
                write(q, out, reasons);
            });
        }
        while (next[0] < conflicts.size()) {
            write(conflicts.get(next[0]++), out, reasons);
        }
    }

    private static void write(JsonObject q, JsonlFiles.AtomicWriter out, Map<String, Long> reasons) {
        out.write(q);
        reasons.merge(q.getString("reason"), 1L, Long::sum);
    }

    private static String excerpt(String text) {
        String s = text.replaceAll("\\s+", " ").strip();
        return s.length() > 200 ? s.substring(0, 200) : s;
    }

    static DatasetStatistics.TokenStats tokenStatistics(long[] lengths, long truncated) {
        if (lengths.length == 0) {
            return new DatasetStatistics.TokenStats(truncated, 0, null, null, null, null, null);
        }
        long[] sorted = lengths.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0);
        return new DatasetStatistics.TokenStats(truncated, sorted.length, sorted[0], Math.round(mean * 10) / 10.0,
                percentile(sorted, 0.50), percentile(sorted, 0.95), sorted[sorted.length - 1]);
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
