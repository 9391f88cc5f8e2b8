package io.tuneledger.data;

import java.util.function.Function;

/** The checks every input format shares once it has found its fields: id, text and label present. */
final class RecordFields {

    private RecordFields() {
    }

    /**
     * The outcome for one parsed record. {@code field} returns a field's value as text, or {@code null} when it is
     * absent or not a scalar.
     */
    static IngestOutcome toOutcome(long line, FieldMapping fields, Function<String, String> field) {
        String id = field.apply(fields.idField());
        if (id == null || id.isBlank()) {
            return new IngestOutcome.Quarantined(line, null, QuarantineReason.MISSING_ID,
                    "field '" + fields.idField() + "' is missing or blank").withExcerptOf(field.apply(fields.textField()));
        }
        String text = field.apply(fields.textField());
        if (text == null || text.isBlank()) {
            return new IngestOutcome.Quarantined(line, id.strip(), QuarantineReason.EMPTY_TEXT,
                    "field '" + fields.textField() + "' is missing or blank");
        }
        if (fields.labelField() == null) {
            return new IngestOutcome.Accepted(new SourceRecord(id.strip(), text, null, line));
        }
        String label = field.apply(fields.labelField());
        if (label == null || label.isBlank()) {
            return new IngestOutcome.Quarantined(line, id.strip(), QuarantineReason.MISSING_LABEL,
                    "field '" + fields.labelField() + "' is missing or blank").withExcerptOf(text);
        }
        return new IngestOutcome.Accepted(new SourceRecord(id.strip(), text, label.strip(), line));
    }
}
