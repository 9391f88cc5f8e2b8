package io.tuneledger.data;

import java.io.IOException;
import java.nio.file.Path;

/** JSONL: one JSON object a line; blank lines are not records. */
public final class JsonlRecordSource implements RecordSource {

    private final LineSource lines;
    private final JsonlRecordParser parser;
    private long records;

    private JsonlRecordSource(LineSource lines, JsonlRecordParser parser, long records) {
        this.lines = lines;
        this.parser = parser;
        this.records = records;
    }

    public static JsonlRecordSource open(Path file, FieldMapping fields, SourcePosition at, int maxRecordBytes)
            throws IOException {
        SourcePosition p = at == null ? SourcePosition.START : at;
        return new JsonlRecordSource(LineSource.openAt(file, p.offset(), p.lines(), maxRecordBytes),
                new JsonlRecordParser(fields), p.records());
    }

    @Override
    public IngestOutcome next() throws IOException {
        RawLine line;
        do {
            line = lines.next();
        } while (line != null && isBlank(line));
        if (line == null) {
            return null;
        }
        records++;
        return parser.parse(line);
    }

    @Override
    public SourcePosition position() {
        return new SourcePosition(records, lines.offset(), lines.lineNumber(), null);
    }

    @Override
    public long[] progress() {
        return new long[] {lines.offset(), lines.size()};
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }

    private static boolean isBlank(RawLine line) {
        for (byte b : line.bytes()) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return !line.truncated();
    }
}
