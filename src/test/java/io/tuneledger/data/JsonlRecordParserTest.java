package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonlRecordParserTest {

    private final JsonlRecordParser parser = new JsonlRecordParser(FieldMapping.DEFAULT);

    private static RawLine line(String text) {
        return new RawLine(7, 0, text.getBytes(StandardCharsets.UTF_8), false);
    }

    private QuarantineReason reason(String text) {
        return assertInstanceOf(IngestOutcome.Quarantined.class, parser.parse(line(text))).reason();
    }

    @Test
    void aCompleteObjectBecomesARecordWithItsLineNumber() {
        IngestOutcome outcome = parser.parse(line("{\"id\":\"m-1\",\"text\":\"Hi Bob\",\"label\":\" ham \",\"x\":1}"));
        SourceRecord record = assertInstanceOf(IngestOutcome.Accepted.class, outcome).record();
        assertEquals(new SourceRecord("m-1", "Hi Bob", "ham", 7), record);
    }

    @Test
    void numericIdsAndCustomFieldNamesAreAccepted() {
        JsonlRecordParser custom = new JsonlRecordParser(new FieldMapping("ticket", "body", "queue"));
        SourceRecord record = assertInstanceOf(IngestOutcome.Accepted.class,
                custom.parse(line("{\"ticket\":42,\"body\":\"printer on fire\",\"queue\":\"it\"}"))).record();
        assertEquals("42", record.id());
        assertEquals("it", record.label());
    }

    @Test
    void eachKindOfBadLineGetsItsOwnReason() {
        assertEquals(QuarantineReason.MALFORMED_LINE, reason("{\"id\":\"a\",\"text\":"));
        assertEquals(QuarantineReason.MALFORMED_LINE, reason("[1,2,3]"));
        assertEquals(QuarantineReason.MISSING_ID, reason("{\"text\":\"t\",\"label\":\"l\"}"));
        assertEquals(QuarantineReason.EMPTY_TEXT, reason("{\"id\":\"a\",\"text\":\"  \",\"label\":\"l\"}"));
        assertEquals(QuarantineReason.EMPTY_TEXT, reason("{\"id\":\"a\",\"text\":{\"nested\":1},\"label\":\"l\"}"));
        assertEquals(QuarantineReason.MISSING_LABEL, reason("{\"id\":\"a\",\"text\":\"t\"}"));
        IngestOutcome invalid = parser.parse(new RawLine(3, 0, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, false));
        assertEquals(QuarantineReason.INVALID_ENCODING,
                assertInstanceOf(IngestOutcome.Quarantined.class, invalid).reason());
        IngestOutcome cut = parser.parse(new RawLine(4, 0, "{\"id\":".getBytes(StandardCharsets.UTF_8), true));
        assertEquals(QuarantineReason.LINE_TOO_LONG, assertInstanceOf(IngestOutcome.Quarantined.class, cut).reason());
    }
}
