package io.tuneledger.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams the records of an RFC 4180 CSV file (comma separated, double-quoted fields with {@code ""} escapes,
 * quoted line breaks, LF or CRLF), the first record naming the fields. Tracks the exact byte position so that a
 * reader can checkpoint and resume without reading anything twice; memory stays flat (a record longer than
 * {@code maxRecordBytes} is skipped and reported).
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

    private static final int BUFFER = 1 << 16;

    private final FileChannel channel;
    private final long size;
    private final int maxRecordBytes;
    private final List<String> header;
    private final byte[] buf = new byte[BUFFER];
    private int bufPos;
    private int bufLen;
    private long bufStart;
    private long line;
    private long records;

    private CsvRecordSource(Path file, int maxRecordBytes) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.size = channel.size();
        this.maxRecordBytes = maxRecordBytes;
        seek(0, 0);
        if (peek() == 0xEF) {
            read();
            if (read() != 0xBB || read() != 0xBF) {
                seek(0, 0);
            }
        }
        Parsed first = parseRecord();
        if (first == null || first.error != null) {
            channel.close();
            throw new IOException(first == null ? "the CSV file is empty: it needs a header row naming the fields"
                    : "the CSV header row cannot be read: " + first.detail);
        }
        List<String> names = new ArrayList<>();
        for (byte[] f : first.fields) {
            names.add(new String(f, StandardCharsets.UTF_8).strip());
        }
        this.header = List.copyOf(names);
    }

    /** Opens {@code file} after its header row. */
    public static CsvRecordSource open(Path file, int maxRecordBytes) throws IOException {
        return new CsvRecordSource(file, maxRecordBytes);
    }

    /** Opens {@code file} at byte {@code offset}, where {@code recordsBefore} records and {@code linesBefore} lines lie. */
    public static CsvRecordSource openAt(Path file, long offset, long recordsBefore, long linesBefore,
            int maxRecordBytes) throws IOException {
        CsvRecordSource source = new CsvRecordSource(file, maxRecordBytes);
        if (offset < source.offset() || offset > source.size) {
            source.close();
            throw new IOException("Position " + offset + " is outside " + file + " (" + source.size
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
        while (true) {
            long start = offset();
            long startLine = line + 1;
            Parsed p = parseRecord();
            if (p == null) {
                return null;
            }
            if (p.error == null && p.fields.size() == 1 && p.fields.get(0).length == 0 && !p.quoted) {
                continue;
            }
            records++;
            if (p.error != null) {
                return new Row(startLine, start, Map.of(), p.error, p.detail, p.rawStart);
            }
            if (p.fields.size() != header.size()) {
                return new Row(startLine, start, Map.of(), QuarantineReason.MALFORMED_LINE,
                        "has " + p.fields.size() + " fields, the header has " + header.size(), p.rawStart);
            }
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                try {
                    values.put(header.get(i), StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(p.fields.get(i))).toString());
                } catch (CharacterCodingException e) {
                    return new Row(startLine, start, Map.of(), QuarantineReason.INVALID_ENCODING,
                            "field '" + header.get(i) + "' is not valid UTF-8", "");
                }
            }
            return new Row(startLine, start, values, null, null, null);
        }
    }

    /** Byte offset of the next unread record. */
    public long offset() {
        return bufStart + bufPos;
    }

    /** Data records read so far (the header not counted). */
    public long records() {
        return records;
    }

    /** Physical lines consumed so far. */
    public long lines() {
        return line;
    }

    public long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static final class Parsed {
        final List<byte[]> fields = new ArrayList<>();
        boolean quoted;
        QuarantineReason error;
        String detail;
        String rawStart = "";
    }

    /** Parses one record from the current position; {@code null} at the end of the file. */
    private Parsed parseRecord() throws IOException {
        if (peek() < 0) {
            return null;
        }
        long start = offset();
        long startLine = line;
        long firstLineEnd = -1;
        Parsed p = new Parsed();
        ByteArrayOutputStream field = new ByteArrayOutputStream(128);
        boolean inQuotes = false;
        boolean afterQuote = false;
        boolean fieldQuoted = false;
        long bytes = 0;
        while (true) {
            int b = read();
            if (b < 0) {
                if (inQuotes) {
                    return recover(p, start, startLine, firstLineEnd, QuarantineReason.MALFORMED_LINE,
                            "a quoted field is not closed before the end of the file");
                }
                p.fields.add(field.toByteArray());
                return p;
            }
            if (++bytes > maxRecordBytes) {
                return recover(p, start, startLine, firstLineEnd, QuarantineReason.LINE_TOO_LONG,
                        "record longer than " + maxRecordBytes + " bytes");
            }
            if (b == '\n') {
                line++;
                if (firstLineEnd < 0) {
                    firstLineEnd = offset();
                }
            }
            if (inQuotes) {
                if (b == '"') {
                    if (peek() == '"') {
                        read();
                        field.write('"');
                    } else {
                        inQuotes = false;
                        afterQuote = true;
                    }
                } else {
                    field.write(b);
                }
                continue;
            }
            if (b == ',') {
                p.fields.add(field.toByteArray());
                field.reset();
                afterQuote = false;
                fieldQuoted = false;
            } else if (b == '\n' || (b == '\r' && peek() == '\n')) {
                if (b == '\r') {
                    read();
                    line++;
                    if (firstLineEnd < 0) {
                        firstLineEnd = offset();
                    }
                }
                p.fields.add(field.toByteArray());
                return p;
            } else if (b == '"') {
                if (field.size() == 0 && !fieldQuoted) {
                    inQuotes = true;
                    fieldQuoted = true;
                    p.quoted = true;
                } else {
                    return recover(p, start, startLine, firstLineEnd, QuarantineReason.MALFORMED_LINE,
                            afterQuote ? "text after a closing quote" : "a quote inside an unquoted field");
                }
            } else if (afterQuote) {
                return recover(p, start, startLine, firstLineEnd, QuarantineReason.MALFORMED_LINE,
                        "text after a closing quote");
            } else {
                field.write(b);
            }
        }
    }

    /** Reports the record as broken and moves to the start of the line after its first physical line. */
    private Parsed recover(Parsed p, long start, long startLine, long firstLineEnd, QuarantineReason reason,
            String detail) throws IOException {
        p.error = reason;
        p.detail = detail;
        long resume = firstLineEnd;
        if (resume < 0) {
            int b;
            while ((b = read()) >= 0 && b != '\n') {
                // skip the rest of the line
            }
            resume = offset();
        }
        p.rawStart = excerpt(start, Math.min(resume, start + 300));
        seek(resume, startLine + 1);
        return p;
    }

    private String excerpt(long from, long to) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate((int) Math.max(0, to - from));
        channel.read(bb, from);
        return new String(bb.array(), 0, bb.position(), StandardCharsets.UTF_8);
    }

    private void seek(long position, long lineNumber) throws IOException {
        channel.position(position);
        bufStart = position;
        bufPos = 0;
        bufLen = 0;
        line = lineNumber;
    }

    private boolean fill() throws IOException {
        if (bufPos < bufLen) {
            return true;
        }
        bufStart += bufLen;
        bufPos = 0;
        bufLen = 0;
        ByteBuffer bb = ByteBuffer.wrap(buf);
        int n;
        do {
            n = channel.read(bb);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        bufLen = n;
        return true;
    }

    private int read() throws IOException {
        return fill() ? buf[bufPos++] & 0xFF : -1;
    }

    private int peek() throws IOException {
        return fill() ? buf[bufPos] & 0xFF : -1;
    }
}
