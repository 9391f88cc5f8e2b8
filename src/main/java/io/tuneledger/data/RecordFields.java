package io.tuneledger.data;

import io.tuneledger.ml.Conversation;
import io.tuneledger.ml.QueryPair;
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
        if (fields.pairs() != null) {
            return pair(line, id.strip(), fields.pairs(), field);
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

    /** A retrieval pair: query and positive present; the positive's id given or derived from its text. */
    private static IngestOutcome pair(long line, String id, PairFields fields, Function<String, String> field) {
        if (fields.messagesField() != null) {
            return conversation(line, id, fields.messagesField(), field.apply(fields.messagesField()));
        }
        String query = field.apply(fields.queryField());
        String positive = field.apply(fields.positiveField());
        if (query == null || query.isBlank()) {
            return new IngestOutcome.Quarantined(line, id, QuarantineReason.MISSING_QUERY,
                    "field '" + fields.queryField() + "' is missing or blank").withExcerptOf(positive);
        }
        if (positive == null || positive.isBlank()) {
            return new IngestOutcome.Quarantined(line, id, QuarantineReason.EMPTY_POSITIVE,
                    "field '" + fields.positiveField() + "' is missing or blank").withExcerptOf(query);
        }
        String documentId = derivedId(positive);
        if (fields.positiveIdField() != null) {
            documentId = field.apply(fields.positiveIdField());
            if (documentId == null || documentId.isBlank()) {
                return new IngestOutcome.Quarantined(line, id, QuarantineReason.MISSING_ID,
                        "field '" + fields.positiveIdField() + "' (the answer's id) is missing or blank")
                        .withExcerptOf(query);
            }
            documentId = documentId.strip();
        }
        String negative = fields.negativeField() == null ? null : field.apply(fields.negativeField());
        boolean hasNegative = negative != null && !negative.isBlank();
        return new IngestOutcome.AcceptedPair(new PairRecord(new QueryPair(id, query, documentId, positive,
                hasNegative ? derivedId(negative) : null, hasNegative ? negative : null), line));
    }

    /**
     * A conversation (task=generation): a JSON array of messages ending with the assistant's response; the pair holds
     * the conversation's text as its prompt, the response as its answer, and the conversation itself.
     */
    private static IngestOutcome conversation(long line, String id, String field, String json) {
        if (json == null || json.isBlank()) {
            return new IngestOutcome.Quarantined(line, id, QuarantineReason.INVALID_MESSAGES,
                    "field '" + field + "' is missing or blank");
        }
        Conversation conversation;
        try {
            conversation = Conversation.parse(json).checkedAsRecord();
        } catch (IllegalArgumentException e) {
            return new IngestOutcome.Quarantined(line, id, QuarantineReason.INVALID_MESSAGES,
                    "field '" + field + "': " + e.getMessage()).withExcerptOf(json);
        }
        String response = conversation.response();
        return new IngestOutcome.AcceptedPair(new PairRecord(new QueryPair(id, conversation.prompt().text(),
                derivedId(response), response), line, conversation));
    }

    /**
     * The id of a document given without one: {@code sha256:} and the first 16 hex digits of its text's SHA-256, so
     * the same text read twice is one document.
     */
    static String derivedId(String text) {
        return "sha256:" + JsonlFiles.sha256(text).substring(0, 16);
    }
}
