package io.tuneledger.data;

/** What ingest made of one input line: an accepted record, or a quarantined line with its reason. */
public sealed interface IngestOutcome {

    long lineNumber();

    /** The line became a record. */
    record Accepted(SourceRecord record) implements IngestOutcome {
        @Override
        public long lineNumber() {
            return record.lineNumber();
        }
    }

    /** The line was set aside; {@code id} is known when the line parsed far enough to have one. */
    record Quarantined(long lineNumber, String id, QuarantineReason reason, String detail) implements IngestOutcome {
    }
}
