package io.tuneledger.data;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A dataset version's manifest ({@code manifest.json}, also in table {@code dataset_version} and at
 * {@code GET /api/datasets/{name}/versions/{v}}): what the version is, where it came from, how it was cleaned,
 * de-duplicated and split, and what it holds. Written by prepare-dataset's last step; read by fine-tune (the task),
 * score (the cleaning), the model card and the compliance report.
 *
 * @param task the kind of fine-tuning the records are for ({@code classification})
 * @param augmentation null when the train split was not augmented
 */
public record DatasetManifest(String name, int version, String task, String contentSha256, Instant createdAt,
        long jobInstanceId, long jobExecutionId, Source source, Map<String, String> parameters, Cleaning cleaning,
        TokenLimit tokenizer, Dedupe dedupe, SplitSpec split, Augmentation augmentation,
        DatasetStatistics statistics) {

    /** Where the records came from: a file ({@code path}, {@code bytes}) or a table ({@code datasource}, ...). */
    public record Source(String format, String path, Long bytes, String datasource, String table, Long rows,
            String sha256) {

        public static Source file(String format, String path, long bytes, String sha256) {
            return new Source(format, path, bytes, null, null, null, sha256);
        }

        public static Source table(String datasource, String table, long rows, String sha256) {
            return new Source("jdbc", null, null, datasource, table, rows, sha256);
        }

        public JsonObject toJson() {
            JsonObjectBuilder b = Json.createObjectBuilder().add("format", format);
            if (path != null) {
                b.add("path", path).add("bytes", bytes);
            } else {
                b.add("datasource", datasource).add("table", table).add("rows", rows);
            }
            return b.add("sha256", sha256).build();
        }

        static Source fromJson(JsonObject o) {
            return new Source(o.getString("format", null), o.getString("path", null), longOrNull(o, "bytes"),
                    o.getString("datasource", null), o.getString("table", null), longOrNull(o, "rows"),
                    o.getString("sha256", null));
        }
    }

    /** The cleaning rules, whether PII was redacted, and the blocked-terms file (null: none). */
    public record Cleaning(String rules, boolean redactPii, BlockedTermsFile blockedTerms) {

        public JsonObject toJson() {
            JsonObjectBuilder b = Json.createObjectBuilder().add("rules", rules).add("redactPii", redactPii);
            if (blockedTerms != null) {
                b.add("blockedTerms", Json.createObjectBuilder().add("file", blockedTerms.file())
                        .add("sha256", blockedTerms.sha256()).add("terms", blockedTerms.terms()));
            }
            return b.build();
        }

        static Cleaning fromJson(JsonObject o) {
            JsonObject b = o.getJsonObject("blockedTerms");
            return new Cleaning(o.getString("rules"), o.getBoolean("redactPii", false), b == null ? null
                    : new BlockedTermsFile(b.getString("file"), b.getString("sha256"), b.getInt("terms")));
        }
    }

    public record BlockedTermsFile(String file, String sha256, int terms) {
    }

    /** The tokenizer the lengths were measured with, the limit and what happened above it. */
    public record TokenLimit(String name, int maxTokens, String policy) {
        public JsonObject toJson() {
            return Json.createObjectBuilder().add("name", name).add("maxTokens", maxTokens).add("policy", policy)
                    .build();
        }
    }

    public record Dedupe(String mode, double threshold, String method) {
        public JsonObject toJson() {
            return Json.createObjectBuilder().add("mode", mode).add("threshold", threshold).add("method", method)
                    .build();
        }
    }

    public record SplitSpec(String ratios, long seed) {
        public JsonObject toJson() {
            return Json.createObjectBuilder().add("ratios", ratios).add("seed", seed).build();
        }
    }

    public record Augmentation(String generator, String thesaurus, String thesaurusSha256, long rows) {
        public JsonObject toJson() {
            return Json.createObjectBuilder().add("generator", generator).add("thesaurus", thesaurus)
                    .add("thesaurusSha256", thesaurusSha256).add("rows", rows).build();
        }
    }

    /** The manifest's file in a dataset version's directory. */
    public static final String FILE = "manifest.json";

    /** {@code name vN}, as the ledger and the reports name a version. */
    public String ref() {
        return name + " v" + version;
    }

    public JsonObject toJson() {
        JsonObjectBuilder params = Json.createObjectBuilder();
        new TreeMap<>(parameters).forEach(params::add);
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("name", name)
                .add("version", version)
                .add("task", task)
                .add("contentSha256", contentSha256)
                .add("createdAt", createdAt.toString())
                .add("job", Json.createObjectBuilder().add("instanceId", jobInstanceId)
                        .add("executionId", jobExecutionId))
                .add("source", source.toJson())
                .add("parameters", params)
                .add("cleaning", cleaning.toJson())
                .add("tokenizer", tokenizer.toJson())
                .add("dedupe", dedupe.toJson())
                .add("split", split.toJson());
        if (augmentation != null) {
            b.add("augmentation", augmentation.toJson());
        }
        statistics.toJson().forEach(b::add);
        return b.build();
    }

    /** Reads a manifest; one written before datasets recorded their task is a classification dataset. */
    public static DatasetManifest fromJson(JsonObject o) {
        JsonObject job = o.getJsonObject("job");
        Map<String, String> params = new TreeMap<>();
        o.getJsonObject("parameters").forEach((k, v) -> params.put(k, text(v)));
        JsonObject t = o.getJsonObject("tokenizer");
        JsonObject d = o.getJsonObject("dedupe");
        JsonObject s = o.getJsonObject("split");
        JsonObject a = o.getJsonObject("augmentation");
        return new DatasetManifest(o.getString("name"), o.getInt("version"), o.getString("task", "classification"),
                o.getString("contentSha256"), Instant.parse(o.getString("createdAt")),
                job.getJsonNumber("instanceId").longValue(), job.getJsonNumber("executionId").longValue(),
                Source.fromJson(o.getJsonObject("source")), params, Cleaning.fromJson(o.getJsonObject("cleaning")),
                new TokenLimit(t.getString("name"), t.getInt("maxTokens"), t.getString("policy")),
                new Dedupe(d.getString("mode"), d.getJsonNumber("threshold").doubleValue(), d.getString("method")),
                new SplitSpec(s.getString("ratios"), s.getJsonNumber("seed").longValue()),
                a == null ? null : new Augmentation(a.getString("generator"), a.getString("thesaurus"),
                        a.getString("thesaurusSha256"), a.getJsonNumber("rows").longValue()),
                DatasetStatistics.fromJson(o));
    }

    /** Reads a manifest from its JSON text. */
    public static DatasetManifest parse(String json) {
        try (JsonReader r = Json.createReader(new StringReader(json))) {
            return fromJson(r.readObject());
        }
    }

    static Long longOrNull(JsonObject o, String key) {
        return o.get(key) instanceof JsonNumber n ? n.longValue() : null;
    }

    static String text(JsonValue v) {
        return v instanceof jakarta.json.JsonString s ? s.getString() : v.toString();
    }

    static Map<String, Long> longs(JsonObject o) {
        Map<String, Long> m = new TreeMap<>();
        if (o != null) {
            o.forEach((k, v) -> m.put(k, ((JsonNumber) v).longValue()));
        }
        return m;
    }

    static <V> JsonObject object(Map<String, V> map, Function<V, JsonValue> value) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        map.forEach((k, v) -> b.add(k, value.apply(v)));
        return b.build();
    }
}
