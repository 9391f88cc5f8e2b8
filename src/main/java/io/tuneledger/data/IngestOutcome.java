package io.tuneledger.data;

import io.tuneledger.ml.Conversation;
import io.tuneledger.ml.QueryPair;
import io.tuneledger.ml.TextDocument;
import java.util.Map;

/**
 * What ingest made of one input record: a parsed or prepared record, or a quarantined one with its reason. A labelled
 * text for classification; for retrieval a question–answer pair, or a document of the corpus that no pair names.
 */
public sealed interface IngestOutcome {

    long lineNumber();

    /** A retrieval or generation pair parsed: id, query (prompt) and positive (response) are present. */
    record AcceptedPair(PairRecord pair) implements IngestOutcome {
        @Override
        public long lineNumber() {
            return pair.lineNumber();
        }
    }

    /** A document of a retrieval corpus (BEIR input), read to be searched. */
    record AcceptedDocument(TextDocument document, long lineNumber) implements IngestOutcome {
    }

    /**
     * A retrieval pair that passed every rule: its texts as stored; {@code tokens} is the answer's token count, and
     * {@code truncated} says whether any of its texts was cut to max.tokens. For a conversation, {@code prompt} holds
     * its messages before the response as stored ({@code null} otherwise).
     */
    record PreparedPair(QueryPair pair, long lineNumber, int tokens, boolean truncated,
            Map<PiiRedactor.Kind, Integer> redactions, Conversation prompt) implements IngestOutcome {
        public PreparedPair {
            redactions = Map.copyOf(redactions);
        }

        public PreparedPair(QueryPair pair, long lineNumber, int tokens, boolean truncated,
                Map<PiiRedactor.Kind, Integer> redactions) {
            this(pair, lineNumber, tokens, truncated, redactions, null);
        }
    }

    /** A corpus document that passed every rule. */
    record PreparedDocument(TextDocument document, long lineNumber, int tokens, boolean truncated,
            Map<PiiRedactor.Kind, Integer> redactions) implements IngestOutcome {
        public PreparedDocument {
            redactions = Map.copyOf(redactions);
        }
    }

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
