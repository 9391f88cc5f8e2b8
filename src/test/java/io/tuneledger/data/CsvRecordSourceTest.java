package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvRecordSourceTest {

    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        Path f = dir.resolve("in.csv");
        Files.write(f, content.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    private static List<CsvRecordSource.Row> all(CsvRecordSource s) throws IOException {
        List<CsvRecordSource.Row> rows = new ArrayList<>();
        CsvRecordSource.Row r;
        while ((r = s.next()) != null) {
            rows.add(r);
        }
        return rows;
    }

    @Test
    void quotedFieldsWithCommasQuotesAndLineBreaks() throws IOException {
        Path f = write("\uFEFFid,text,label\r\n1,\"a, \"\"quoted\"\"\r\nsecond line\",ham\r\n\r\n2,plain,spam\n");
        try (CsvRecordSource s = CsvRecordSource.open(f, 1 << 20)) {
            assertEquals(List.of("id", "text", "label"), s.header());
            List<CsvRecordSource.Row> rows = all(s);
            assertEquals(2, rows.size());
            assertEquals("a, \"quoted\"\r\nsecond line", rows.get(0).values().get("text"));
            assertEquals(2, rows.get(0).lineNumber());
            assertEquals("spam", rows.get(1).values().get("label"));
            assertEquals(5, rows.get(1).lineNumber());
        }
    }

    @Test
    void brokenQuotingCostsOneLineAndReadingGoesOn() throws IOException {
        Path f = write("id,text,label\n1,ok,ham\n2,bad \"quote,ham\n3,\"closed\" trailing,ham\n4,\"never closed,ham\n"
                + "5,fine,spam\n6,too,many,fields\n");
        try (CsvRecordSource s = CsvRecordSource.open(f, 1 << 20)) {
            List<CsvRecordSource.Row> rows = all(s);
            assertEquals(List.of(true, false, false, false, true, false), rows.stream().map(CsvRecordSource.Row::ok).toList());
            assertEquals("a quote inside an unquoted field", rows.get(1).detail());
            assertEquals("text after a closing quote", rows.get(2).detail());
            assertTrue(rows.get(3).detail().contains("not closed"));
            assertEquals("5", rows.get(4).values().get("id"));
            assertEquals(6, rows.get(4).lineNumber());
            assertTrue(rows.get(5).detail().contains("4 fields"));
            IngestOutcome bad = CsvRecordSource.outcome(rows.get(1), FieldMapping.DEFAULT);
            assertEquals(QuarantineReason.MALFORMED_LINE, ((IngestOutcome.Quarantined) bad).reason());
        }
    }

    @Test
    void invalidUtf8AndOversizedRecordsAreReported() throws IOException {
        Path f = dir.resolve("bin.csv");
        byte[] head = "id,text,label\n1,".getBytes(StandardCharsets.US_ASCII);
        byte[] bad = {(byte) 0xC3, (byte) 0x28};
        byte[] rest = (",ham\n2," + "x".repeat(5000) + ",ham\n3,ok,ham\n").getBytes(StandardCharsets.US_ASCII);
        Files.write(f, concat(head, bad, rest));
        try (CsvRecordSource s = CsvRecordSource.open(f, 1000)) {
            List<CsvRecordSource.Row> rows = all(s);
            assertEquals(QuarantineReason.INVALID_ENCODING, rows.get(0).error());
            assertEquals(QuarantineReason.LINE_TOO_LONG, rows.get(1).error());
            assertEquals("3", rows.get(2).values().get("id"));
            assertEquals(3, s.records());
        }
    }

    @Test
    void resumesAtACheckpointWithoutReadingTwice() throws IOException {
        Path f = write("id,text,label\n1,a,x\n2,\"b\nb\",y\n3,c,z\n4,d,x\n");
        long offset;
        long lines;
        try (CsvRecordSource s = CsvRecordSource.open(f, 1 << 20)) {
            s.next();
            s.next();
            offset = s.offset();
            lines = s.lines();
        }
        try (CsvRecordSource s = CsvRecordSource.openAt(f, offset, 2, lines, 1 << 20)) {
            List<CsvRecordSource.Row> rest = all(s);
            assertEquals(List.of("3", "4"), rest.stream().map(r -> r.values().get("id")).toList());
            assertEquals(5, rest.get(0).lineNumber());
            assertEquals(4, s.records());
        }
    }

    @Test
    void emptyFileHasNoHeader() throws IOException {
        Path f = write("");
        assertThrows(IOException.class, () -> CsvRecordSource.open(f, 1000));
        Path g = write("id,text,label\n");
        try (CsvRecordSource s = CsvRecordSource.open(g, 1000)) {
            assertNull(s.next());
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
