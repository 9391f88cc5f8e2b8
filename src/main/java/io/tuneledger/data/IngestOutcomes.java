package io.tuneledger.data;

import io.tuneledger.ml.QueryPair;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.Map;

/** The JSON form of ingest outcomes in the staging files: prepared records and quarantined ones. */
public final class IngestOutcomes {

    private IngestOutcomes() {
    }

    /** {@code {"id","text","label","line","tokens","truncated","pii":{KIND:n}}}. */
    public static JsonObject toJson(PreparedRecord record) {
        return Json.createObjectBuilder()
                .add("id", record.id())
                .add("text", record.text())
                .add("label", record.label())
                .add("line", record.lineNumber())
                .add("tokens", record.tokens())
                .add("truncated", record.truncated())
                .add("pii", pii(record.redactions()))
                .build();
    }

    /**
     * {@code {"id","query","doc","positive","negative.doc"?,"negative"?,"messages"?,"line","tokens","truncated",
     * "pii"}}: the pair's fields as the split files of a retrieval dataset hold them (and a conversation's prompt
     * messages), with the staging figures.
     */
    public static JsonObject toJson(IngestOutcome.PreparedPair p) {
        JsonObjectBuilder b = pairFields(p.pair());
        if (p.prompt() != null) {
            b.add(DatasetAssembler.MESSAGES, p.prompt().toJson());
        }
        return b.add("line", p.lineNumber()).add("tokens", p.tokens())
                .add("truncated", p.truncated()).add("pii", pii(p.redactions())).build();
    }

    /** {@code {"doc","text","line","tokens","truncated","pii"}}. */
    public static JsonObject toJson(IngestOutcome.PreparedDocument d) {
        return Json.createObjectBuilder().add("doc", d.document().id()).add("text", d.document().text())
                .add("line", d.lineNumber()).add("tokens", d.tokens()).add("truncated", d.truncated())
                .add("pii", pii(d.redactions())).build();
    }

    /** A pair's fields: {@code {"id","query","doc","positive","negative.doc"?,"negative"?}}. */
    public static JsonObjectBuilder pairFields(QueryPair p) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("id", p.id()).add("query", p.query())
                .add("doc", p.documentId()).add("positive", p.document());
        if (p.negativeId() != null) {
            b.add("negative.doc", p.negativeId()).add("negative", p.negative());
        }
        return b;
    }

    /** The pair of a staging or split line written by {@link #pairFields}. */
    public static QueryPair pairOf(JsonObject o) {
        return new QueryPair(o.getString("id"), o.getString("query"), o.getString("doc"), o.getString("positive"),
                o.getString("negative.doc", null), o.getString("negative", null));
    }

    private static JsonObjectBuilder pii(Map<PiiRedactor.Kind, Integer> redactions) {
        JsonObjectBuilder pii = Json.createObjectBuilder();
        redactions.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> pii.add(e.getKey().name(), e.getValue()));
        return pii;
    }

    /** {@code {"line","id"?,"reason","detail","excerpt"?}}. */
    public static JsonObject toJson(IngestOutcome.Quarantined q) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("line", q.lineNumber());
        if (q.id() != null) {
            b.add("id", q.id());
        }
        b.add("reason", q.reason().name()).add("detail", q.detail());
        if (q.excerpt() != null && !q.excerpt().isEmpty()) {
            b.add("excerpt", q.excerpt());
        }
        return b.build();
    }
}
