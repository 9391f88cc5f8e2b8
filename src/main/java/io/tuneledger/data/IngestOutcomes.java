package io.tuneledger.data;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/** The JSON form of ingest outcomes in the staging files: accepted records and quarantined lines. */
public final class IngestOutcomes {

    private IngestOutcomes() {
    }

    /** {@code {"id","text","label","line"}}. */
    public static JsonObject toJson(SourceRecord record) {
        return Json.createObjectBuilder()
                .add("id", record.id())
                .add("text", record.text())
                .add("label", record.label())
                .add("line", record.lineNumber())
                .build();
    }

    /** {@code {"line","id"?,"reason","detail"}}. */
    public static JsonObject toJson(IngestOutcome.Quarantined q) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("line", q.lineNumber());
        if (q.id() != null) {
            b.add("id", q.id());
        }
        return b.add("reason", q.reason().name()).add("detail", q.detail()).build();
    }
}
