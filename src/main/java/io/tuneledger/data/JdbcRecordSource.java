package io.tuneledger.data;

import java.io.Serializable;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.List;

/** A database table read in id order, a page at a time: a {@link RecordSource} over {@link JdbcTableSource}. */
public final class JdbcRecordSource implements RecordSource {

    private final JdbcTableSource table;
    private long records;
    private Serializable lastKey;
    private Iterator<JdbcTableSource.Row> page = List.<JdbcTableSource.Row>of().iterator();
    private boolean exhausted;

    public JdbcRecordSource(JdbcTableSource table, SourcePosition at) {
        this.table = table;
        if (at != null) {
            this.records = at.records();
            this.lastKey = at.lastKey();
        }
    }

    @Override
    public IngestOutcome next() throws SQLException {
        if (!page.hasNext()) {
            if (exhausted) {
                return null;
            }
            List<JdbcTableSource.Row> rows = table.page(lastKey);
            if (rows.isEmpty()) {
                exhausted = true;
                return null;
            }
            page = rows.iterator();
        }
        JdbcTableSource.Row row = page.next();
        records++;
        lastKey = row.key();
        return table.outcome(records, row);
    }

    @Override
    public SourcePosition position() {
        return new SourcePosition(records, 0, records, lastKey);
    }

    @Override
    public long[] progress() {
        return new long[] {records, -1};
    }

    @Override
    public void close() {
        // connections are held only while a page is read
    }
}
