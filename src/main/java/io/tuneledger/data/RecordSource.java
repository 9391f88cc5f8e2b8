package io.tuneledger.data;

import java.io.IOException;

/**
 * A stream of input records in a fixed order, each one already parsed into a record or a quarantined line, which can
 * be reopened at a {@link SourcePosition} so that a restart reads nothing twice.
 */
public interface RecordSource extends AutoCloseable {

    /** The next record's outcome, or {@code null} at the end. */
    IngestOutcome next() throws Exception;

    /** Where the next read starts. */
    SourcePosition position();

    /** Units done and total (bytes for files, rows for tables; total &lt; 0 when unknown). */
    long[] progress();

    @Override
    void close() throws IOException;
}
