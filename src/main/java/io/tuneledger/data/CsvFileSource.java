package io.tuneledger.data;

import java.io.IOException;
import java.nio.file.Path;

/** CSV (RFC 4180, header row): a {@link RecordSource} over {@link CsvRecordSource}. */
public final class CsvFileSource implements RecordSource {

    private final CsvRecordSource csv;
    private final FieldMapping fields;

    private CsvFileSource(CsvRecordSource csv, FieldMapping fields) {
        this.csv = csv;
        this.fields = fields;
    }

    public static CsvFileSource open(Path file, FieldMapping fields, SourcePosition at, int maxRecordBytes)
            throws IOException {
        CsvRecordSource csv = at == null || at.records() == 0 && at.offset() == 0
                ? CsvRecordSource.open(file, maxRecordBytes)
                : CsvRecordSource.openAt(file, at.offset(), at.records(), at.lines(), maxRecordBytes);
        return new CsvFileSource(csv, fields);
    }

    @Override
    public IngestOutcome next() throws IOException {
        CsvRecordSource.Row row = csv.next();
        return row == null ? null : CsvRecordSource.outcome(row, fields);
    }

    @Override
    public SourcePosition position() {
        return new SourcePosition(csv.records(), csv.offset(), csv.lines(), null);
    }

    @Override
    public long[] progress() {
        return new long[] {csv.offset(), csv.size()};
    }

    @Override
    public void close() throws IOException {
        csv.close();
    }
}
