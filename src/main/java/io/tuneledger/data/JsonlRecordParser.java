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
                    .decode(withoutBom(line.bytes()))
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
                    "not valid JSON: " + firstLine(e.getMessage())).withExcerptOf(json);
        }
        JsonObject record = object;
        String structured = fields.structuredField();
        return RecordFields.toOutcome(n, fields, name -> name.equals(structured) ? structured(record, name)
                : scalar(record, name));
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

    /** An array or object field as its JSON text, a string as itself; {@code null} when absent or null. */
    private static String structured(JsonObject object, String name) {
        JsonValue value = object.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        return value instanceof JsonString s ? s.getString() : value.toString();
    }

    /** A UTF-8 byte order mark at the start of a line (a file's first line, or concatenated files) is not data. */
    private static ByteBuffer withoutBom(byte[] b) {
        boolean bom = b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF;
        return bom ? ByteBuffer.wrap(b, 3, b.length - 3) : ByteBuffer.wrap(b);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "parse error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
