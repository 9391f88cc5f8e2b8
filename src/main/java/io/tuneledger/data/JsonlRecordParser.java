package io.tuneledger.data;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns one JSONL line into a {@link SourceRecord}, or says precisely why it cannot: every line of the input ends
 * up accepted or quarantined with a reason, never silently dropped.
 */
public final class JsonlRecordParser {

    private final FieldMapping fields;

    public JsonlRecordParser(FieldMapping fields) {
        this.fields = fields;
    }

    /** Parses {@code line}, which is not blank (readers skip blank lines: they hold no record). */
    public IngestOutcome parse(RawLine line) {
        long n = line.lineNumber();
        if (line.truncated()) {
            return new IngestOutcome.Quarantined(n, null, QuarantineReason.LINE_TOO_LONG,
                    "line longer than " + line.bytes().length + " bytes");
        }
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line.bytes()))
                    .toString();
        } catch (CharacterCodingException e) {
            return new IngestOutcome.Quarantined(n, null, QuarantineReason.INVALID_ENCODING, "not valid UTF-8");
        }
        JsonObject object;
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                return new IngestOutcome.Quarantined(n, null, QuarantineReason.MALFORMED_LINE,
                        "expected a JSON object, found " + value.getValueType().name().toLowerCase());
            }
            object = value.asJsonObject();
        } catch (JsonException | IllegalStateException e) {
            return new IngestOutcome.Quarantined(n, null, QuarantineReason.MALFORMED_LINE,
                    "not valid JSON: " + firstLine(e.getMessage()));
        }
        String id = scalar(object, fields.idField());
        if (id == null || id.isBlank()) {
            return new IngestOutcome.Quarantined(n, null, QuarantineReason.MISSING_ID,
                    "field '" + fields.idField() + "' is missing or blank");
        }
        String text = scalar(object, fields.textField());
        if (text == null || text.isBlank()) {
            return new IngestOutcome.Quarantined(n, id, QuarantineReason.EMPTY_TEXT,
                    "field '" + fields.textField() + "' is missing or blank");
        }
        String label = scalar(object, fields.labelField());
        if (label == null || label.isBlank()) {
            return new IngestOutcome.Quarantined(n, id, QuarantineReason.MISSING_LABEL,
                    "field '" + fields.labelField() + "' is missing or blank");
        }
        return new IngestOutcome.Accepted(new SourceRecord(id, text, label.strip(), n));
    }

    /** A string or number field as text; {@code null} when absent, null or of another type. */
    private static String scalar(JsonObject object, String name) {
        JsonValue value = object.get(name);
        if (value instanceof JsonString s) {
            return s.getString();
        }
        if (value instanceof JsonNumber num) {
            return num.toString();
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "parse error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
