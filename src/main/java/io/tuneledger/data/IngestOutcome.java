package io.tuneledger.data;

/** What ingest made of one input record: a parsed or prepared record, or a quarantined one with its reason. */
public sealed interface IngestOutcome {

    long lineNumber();

    /** The record parsed: id, text and label are present. */
    record Accepted(SourceRecord record) implements IngestOutcome {
        @Override
        public long lineNumber() {
            return record.lineNumber();
        }
    }

    /** The record passed every cleaning and filtering rule. */
    record Prepared(PreparedRecord record) implements IngestOutcome {
        @Override
        public long lineNumber() {
            return record.lineNumber();
        }
    }

    /**
     * The record was set aside; {@code id} is known when it parsed far enough to have one. {@code excerpt} is the
     * start of the record with personal data redacted, for the person who reviews the quarantine (may be empty).
     */
    record Quarantined(long lineNumber, String id, QuarantineReason reason, String detail, String excerpt)
            implements IngestOutcome {

        public Quarantined(long lineNumber, String id, QuarantineReason reason, String detail) {
            this(lineNumber, id, reason, detail, "");
        }

        /** The same quarantine with an excerpt of {@code text} (redacted, at most 200 characters). */
        public Quarantined withExcerptOf(String text) {
            if (text == null || text.isEmpty()) {
                return this;
            }
            String start = text.length() > 400 ? text.substring(0, 400) : text;
            String redacted = PiiRedactor.redact(start.replaceAll("\\s+", " ").strip()).text();
            return new Quarantined(lineNumber, id, reason, detail,
                    redacted.length() > 200 ? redacted.substring(0, 200) : redacted);
        }
    }
}
