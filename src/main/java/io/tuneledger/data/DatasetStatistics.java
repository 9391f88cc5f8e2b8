package io.tuneledger.data;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.Map;

/**
 * What a dataset version holds, counted while it was assembled: the reconciliation counts, labels overall and per
 * split, quarantine reasons, duplicate kinds, PII redactions by kind, token-length statistics and the files with
 * their hashes. Part of the {@link DatasetManifest}, at its top level.
 */
public record DatasetStatistics(Counts counts, Map<String, Long> labels, Map<String, SplitCounts> splits,
        Map<String, Long> quarantine, Map<String, Long> duplicates, Map<String, Long> redactions, TokenStats tokens,
        Map<String, FileInfo> files) {

    /**
     * read = records + quarantined + duplicates + corpus; augmented rows come on top of the records. For retrieval,
     * records are pairs, {@code documents} is the number of documents that can be searched (the answers, hard
     * negatives and corpus documents, each id once) and {@code corpus} the corpus documents read as records and kept
     * (a BEIR corpus; 0 for pairs read from a file); both are 0 for classification and then not written.
     */
    public record Counts(long read, long records, long quarantined, long duplicates, long augmented, long documents,
            long corpus) {

        public Counts(long read, long records, long quarantined, long duplicates, long augmented) {
            this(read, records, quarantined, duplicates, augmented, 0, 0);
        }

        JsonObject toJson() {
            JsonObjectBuilder b = Json.createObjectBuilder().add("read", read).add("records", records)
                    .add("quarantined", quarantined).add("duplicates", duplicates).add("augmented", augmented);
            if (documents > 0) {
                b.add("documents", documents).add("corpus", corpus);
            }
            return b.build();
        }
    }

    public record SplitCounts(long records, Map<String, Long> labels) {
        JsonObject toJson() {
            return Json.createObjectBuilder().add("records", records)
                    .add("labels", DatasetManifest.object(labels, Json::createValue)).build();
        }
    }

    /** Token lengths of the stored texts (min and the rest null when there are none) and how many were truncated. */
    public record TokenStats(long truncated, long count, Long min, Double mean, Long p50, Long p95, Long max) {
        public JsonObject toJson() {
            JsonObjectBuilder b = Json.createObjectBuilder().add("truncated", truncated).add("count", count);
            if (count > 0) {
                b.add("min", min).add("mean", mean).add("p50", p50).add("p95", p95).add("max", max);
            }
            return b.build();
        }

        static TokenStats fromJson(JsonObject o) {
            return new TokenStats(o.getJsonNumber("truncated").longValue(), o.getJsonNumber("count").longValue(),
                    DatasetManifest.longOrNull(o, "min"), o.containsKey("mean") ? o.getJsonNumber("mean")
                            .doubleValue() : null, DatasetManifest.longOrNull(o, "p50"),
                    DatasetManifest.longOrNull(o, "p95"), DatasetManifest.longOrNull(o, "max"));
        }
    }

    public record FileInfo(String sha256, long bytes) {
    }

    public JsonObject toJson() {
        JsonObjectBuilder files = Json.createObjectBuilder();
        this.files.forEach((name, f) -> files.add(name, Json.createObjectBuilder().add("sha256", f.sha256())
                .add("bytes", f.bytes())));
        JsonObjectBuilder s = Json.createObjectBuilder();
        splits.forEach((name, c) -> s.add(name, c.toJson()));
        return Json.createObjectBuilder()
                .add("counts", counts.toJson())
                .add("labels", DatasetManifest.object(labels, Json::createValue))
                .add("splits", s)
                .add("quarantine", DatasetManifest.object(quarantine, Json::createValue))
                .add("duplicates", DatasetManifest.object(duplicates, Json::createValue))
                .add("redactions", DatasetManifest.object(redactions, Json::createValue))
                .add("tokens", tokens.toJson())
                .add("files", files)
                .build();
    }

    /** Reads the statistics from a manifest's top level. */
    static DatasetStatistics fromJson(JsonObject o) {
        JsonObject c = o.getJsonObject("counts");
        Map<String, SplitCounts> splits = new java.util.LinkedHashMap<>();
        o.getJsonObject("splits").forEach((name, v) -> splits.put(name, new SplitCounts(
                v.asJsonObject().getJsonNumber("records").longValue(),
                DatasetManifest.longs(v.asJsonObject().getJsonObject("labels")))));
        Map<String, FileInfo> files = new java.util.LinkedHashMap<>();
        if (o.getJsonObject("files") != null) {
            o.getJsonObject("files").forEach((name, v) -> files.put(name, new FileInfo(
                    v.asJsonObject().getString("sha256"), v.asJsonObject().getJsonNumber("bytes").longValue())));
        }
        return new DatasetStatistics(new Counts(c.getJsonNumber("read").longValue(),
                c.getJsonNumber("records").longValue(), c.getJsonNumber("quarantined").longValue(),
                c.getJsonNumber("duplicates").longValue(), c.containsKey("augmented")
                        ? c.getJsonNumber("augmented").longValue() : 0, c.getJsonNumber("documents") == null ? 0
                        : c.getJsonNumber("documents").longValue(), c.getJsonNumber("corpus") == null ? 0
                        : c.getJsonNumber("corpus").longValue()),
                DatasetManifest.longs(o.getJsonObject("labels")), splits,
                DatasetManifest.longs(o.getJsonObject("quarantine")),
                DatasetManifest.longs(o.getJsonObject("duplicates")),
                DatasetManifest.longs(o.getJsonObject("redactions")),
                TokenStats.fromJson(o.getJsonObject("tokens")), files);
    }
}
