package io.tuneledger.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams the records of an RFC 4180 CSV file (comma separated, double-quoted fields with {@code ""} escapes, quoted
 * line breaks, LF or CRLF), the first record naming the fields. Apache Commons CSV parses each record's fields; this
 * class does what a parser cannot: it frames records on the file's physical lines ({@link LineSource}), so that a
 * reader can checkpoint the exact byte position and resume there without reading anything twice, memory stays flat
 * (a record longer than {@code maxRecordBytes} is skipped and reported), and RFC 4180's rules that lenient parsers
 * let pass (a quote inside an unquoted field) are enforced.
 *
 * <p>A record that breaks the quoting rules (a quote inside an unquoted field, text after a closing quote, a quoted
 * field that never closes) is reported as malformed and reading resumes at the next physical line, so one broken
 * record costs one line, not the rest of the file.
 */
public final class CsvRecordSource implements AutoCloseable {

    /** One record: its fields by header name, or why it could not be read. Line = its first physical line. */
    public record Row(long lineNumber, long offset, Map<String, String> values, QuarantineReason error, String detail,
            String rawStart) {
        public boolean ok() {
            return error == null;
        }
    }

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();

    private final Path file;
    private final int maxRecordBytes;
    private final List<String> header;
    private final long headerEnd;
    private LineSource lines;
    private long records;

    private CsvRecordSource(Path file, int maxRecordBytes) throws IOException {
        this.file = file;
        this.maxRecordBytes = maxRecordBytes;
        this.lines = LineSource.openAt(file, 0, 0, maxRecordBytes);
        Framed first;
        try {
            first = read(true);
        } catch (IOException | RuntimeException e) {
            lines.close();
            throw e;
        }
        if (first == null || first.broken() != null) {
            lines.close();
            throw new IOException(first == null ? "the CSV file is empty: it needs a header row naming the fields"
                    : "the CSV header row cannot be read: " + first.broken().detail());
        }
        this.header = first.fields().stream().map(String::strip).toList();
        this.headerEnd = lines.offset();
    }

    /** Opens {@code file} after its header row. */
    public static CsvRecordSource open(Path file, int maxRecordBytes) throws IOException {
        return new CsvRecordSource(file, maxRecordBytes);
    }

    /** Opens {@code file} at byte {@code offset}, where {@code recordsBefore} records and {@code linesBefore} lines lie. */
    public static CsvRecordSource openAt(Path file, long offset, long recordsBefore, long linesBefore,
            int maxRecordBytes) throws IOException {
        CsvRecordSource source = new CsvRecordSource(file, maxRecordBytes);
        if (offset < source.headerEnd || offset > source.lines.size()) {
            long size = source.lines.size();
            source.close();
            throw new IOException("Position " + offset + " is outside " + file + " (" + size
                    + " bytes): the input file changed since the checkpoint");
        }
        source.seek(offset, linesBefore);
        source.records = recordsBefore;
        return source;
    }

    /** What ingest makes of a row: a parsed record or a quarantined one. */
    public static IngestOutcome outcome(Row row, FieldMapping fields) {
        if (!row.ok()) {
            return new IngestOutcome.Quarantined(row.lineNumber(), null, row.error(), row.detail())
                    .withExcerptOf(row.rawStart());
        }
        return RecordFields.toOutcome(row.lineNumber(), fields, row.values()::get);
    }

    /** The field names from the header row. */
    public List<String> header() {
        return header;
    }

    /** The next record, or {@code null} at the end of the file. Blank lines are skipped. */
    public Row next() throws IOException {
        Framed f = read(false);
        if (f == null) {
            return null;
        }
        records++;
        if (f.broken() != null) {
            return f.broken();
        }
        RawLine start = f.start();
        if (f.fields().size() != header.size()) {
            return new Row(start.lineNumber(), start.offset(), Map.of(), QuarantineReason.MALFORMED_LINE,
                    "has " + f.fields().size() + " fields, the header has " + header.size(), excerpt(start));
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            values.put(header.get(i), f.fields().get(i));
        }
        return new Row(start.lineNumber(), start.offset(), values, null, null, null);
    }

    /** Byte offset of the next unread record. */
    public long offset() {
        return lines.offset();
    }

    /** Data records read so far (the header not counted). */
    public long records() {
        return records;
    }

    /** Physical lines consumed so far. */
    public long lines() {
        return lines.lineNumber();
    }

    public long size() {
        return lines.size();
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }

    /** A record framed on its lines: its first line and its fields, or the row reporting why it cannot be read. */
    private record Framed(RawLine start, List<String> fields, Row broken) {
    }

    /**
     * The next record's lines, checked against RFC 4180's quoting and parsed. A broken record is reported with its
     * first line, and reading goes on at the line after that one.
     */
    private Framed read(boolean first) throws IOException {
        RawLine start;
        do {
            start = lines.next();
        } while (start != null && isBlank(start));
        if (start == null) {
            return null;
        }
        long afterFirst = lines.offset();
        if (start.truncated()) {
            return broken(start, QuarantineReason.LINE_TOO_LONG, "record longer than " + maxRecordBytes + " bytes",
                    afterFirst);
        }
        byte[] firstBytes = first ? withoutBom(start.bytes()) : start.bytes();
        List<byte[]> parts = new ArrayList<>();
        parts.add(firstBytes);
        long bytes = firstBytes.length;
        QuoteState state = QuoteState.scan(firstBytes, QuoteState.FIELD_START);
        RawLine previous = start;
        while (state == QuoteState.QUOTED) {
            RawLine more = lines.next();
            if (more == null) {
                return broken(start, QuarantineReason.MALFORMED_LINE,
                        "a quoted field is not closed before the end of the file", afterFirst);
            }
            // The line break the quoted field holds, as the file has it: LF, or CRLF (LineSource drops the CR).
            byte[] lineBreak = more.offset() - previous.offset() - previous.bytes().length == 2
                    ? new byte[] {'\r', '\n'} : new byte[] {'\n'};
            bytes += lineBreak.length + more.bytes().length;
            if (more.truncated() || bytes > maxRecordBytes) {
                return broken(start, QuarantineReason.LINE_TOO_LONG, "record longer than " + maxRecordBytes
                        + " bytes", afterFirst);
            }
            parts.add(lineBreak);
            parts.add(more.bytes());
            state = QuoteState.scan(more.bytes(), state);
            previous = more;
        }
        if (state.error() != null) {
            return broken(start, QuarantineReason.MALFORMED_LINE, state.error(), afterFirst);
        }
        byte[] record = concat(parts);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(record)).toString();
        } catch (CharacterCodingException e) {
            List<String> fields = parse(new String(record, StandardCharsets.UTF_8));
            int bad = fields == null ? -1 : indexOfReplacement(fields);
            return new Framed(start, null, new Row(start.lineNumber(), start.offset(), Map.of(),
                    QuarantineReason.INVALID_ENCODING, bad >= 0 && header != null && bad < header.size()
                            ? "field '" + header.get(bad) + "' is not valid UTF-8" : "the record is not valid UTF-8",
                    ""));
        }
        List<String> fields = parse(text);
        if (fields == null) {
            return broken(start, QuarantineReason.MALFORMED_LINE, "the record cannot be parsed as CSV", afterFirst);
        }
        return new Framed(start, fields, null);
    }

    /** The fields of one framed record, parsed by Commons CSV; null when it is not one record. */
    private static List<String> parse(String record) {
        try (CSVParser parser = CSVParser.parse(record, FORMAT)) {
            List<CSVRecord> all = parser.getRecords();
            if (all.size() != 1) {
                return null;
            }
            List<String> fields = new ArrayList<>();
            all.get(0).forEach(fields::add);
            return fields;
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            return null;
        }
    }

    /** A record that cannot be read: reported with its first line; reading goes on at the line after that one. */
    private Framed broken(RawLine start, QuarantineReason reason, String detail, long afterFirst)
            throws IOException {
        if (lines.offset() != afterFirst) {
            seek(afterFirst, start.lineNumber());
        }
        return new Framed(start, null, new Row(start.lineNumber(), start.offset(), Map.of(), reason, detail,
                excerpt(start)));
    }

    private static String excerpt(RawLine line) {
        byte[] b = line.bytes();
        return new String(b, 0, Math.min(b.length, 300), StandardCharsets.UTF_8);
    }

    private void seek(long offset, long lineNumber) throws IOException {
        lines.close();
        lines = LineSource.openAt(file, offset, lineNumber, maxRecordBytes);
    }

    private static int indexOfReplacement(List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).indexOf('\uFFFD') >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isBlank(RawLine line) {
        return line.bytes().length == 0 && !line.truncated();
    }

    private static byte[] withoutBom(byte[] b) {
        return b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF
                ? java.util.Arrays.copyOfRange(b, 3, b.length) : b;
    }

    private static byte[] concat(List<byte[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /**
     * Where a record's quoting stands after a stretch of it: at the start of a field, inside an unquoted field,
     * inside a quoted field (the record goes on at the next line), right after a closing quote, or broken (with why).
     * RFC 4180: a quote may open a field, and a quoted field ends at a quote not doubled.
     */
    private enum QuoteState {
        FIELD_START, UNQUOTED, QUOTED, CLOSED, STRAY_QUOTE, TRAILING_TEXT;

        String error() {
            return this == STRAY_QUOTE ? "a quote inside an unquoted field"
                    : this == TRAILING_TEXT ? "text after a closing quote" : null;
        }

        static QuoteState scan(byte[] line, QuoteState from) {
            QuoteState s = from;
            for (int i = 0; i < line.length; i++) {
                byte b = line[i];
                switch (s) {
                    case FIELD_START, UNQUOTED -> {
                        if (b == ',') {
                            s = FIELD_START;
                        } else if (b == '"') {
                            if (s == UNQUOTED) {
                                return STRAY_QUOTE;
                            }
                            s = QUOTED;
                        } else {
                            s = UNQUOTED;
                        }
                    }
                    case QUOTED -> {
                        if (b == '"') {
                            if (i + 1 < line.length && line[i + 1] == '"') {
                                i++;
                            } else {
                                s = CLOSED;
                            }
                        }
                    }
                    case CLOSED -> {
                        if (b == ',') {
                            s = FIELD_START;
                        } else if (b != '\r') {
                            return TRAILING_TEXT;
                        }
                    }
                    default -> {
                        return s;
                    }
                }
            }
            return s;
        }
    }
}
