package io.tuneledger.data;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/** The JSON form of ingest outcomes in the staging files: prepared records and quarantined ones. */
public final class IngestOutcomes {

    private IngestOutcomes() {
    }

    /** {@code {"id","text","label","line","tokens","truncated","pii":{KIND:n}}}. */
    public static JsonObject toJson(PreparedRecord record) {
        JsonObjectBuilder pii = Json.createObjectBuilder();
        record.redactions().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> pii.add(e.getKey().name(), e.getValue()));
        return Json.createObjectBuilder()
                .add("id", record.id())
                .add("text", record.text())
                .add("label", record.label())
                .add("line", record.lineNumber())
                .add("tokens", record.tokens())
                .add("truncated", record.truncated())
                .add("pii", pii)
                .build();
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
