package io.tuneledger.data;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Cleans, checks and redacts one parsed record: the per-record half of prepare-dataset (de-duplication and the split
 * work on the whole set afterwards). Order: cleaning rules, label check, blocked terms (on the cleaned text, before
 * redaction, so a blocked address is still found), PII redaction, token length.
 */
public final class RecordPreparer {

    /** What to do with a text longer than {@code max.tokens}. */
    public enum LengthPolicy {
        /** Keep the first {@code max.tokens} tokens. */
        TRUNCATE,
        /** Quarantine the record (reason TOO_LONG). */
        REJECT
    }

    private final TextCleaner cleaner;
    private final boolean redactPii;
    private final Set<String> labels;
    private final BlockedTerms blocked;
    private final TokenCounter tokens;
    private final int maxTokens;
    private final LengthPolicy policy;

    /**
     * @param labels the allowed labels; empty: any label
     */
    public RecordPreparer(TextCleaner cleaner, boolean redactPii, Set<String> labels, BlockedTerms blocked,
            TokenCounter tokens, int maxTokens, LengthPolicy policy) {
        this.cleaner = cleaner;
        this.redactPii = redactPii;
        this.labels = Set.copyOf(labels);
        this.blocked = blocked;
        this.tokens = tokens;
        this.maxTokens = maxTokens;
        this.policy = policy;
    }

    /** Prepares an accepted record; a quarantined one passes through unchanged. */
    public IngestOutcome prepare(IngestOutcome outcome) {
        if (!(outcome instanceof IngestOutcome.Accepted accepted)) {
            return outcome;
        }
        SourceRecord r = accepted.record();
        if (!labels.isEmpty() && !labels.contains(r.label())) {
            return new IngestOutcome.Quarantined(r.lineNumber(), r.id(), QuarantineReason.UNKNOWN_LABEL,
                    "label '" + r.label() + "' is not one of " + String.join(",", labels.stream().sorted().toList()))
                    .withExcerptOf(r.text());
        }
        String text = cleaner.clean(r.text());
        if (text.isBlank()) {
            return new IngestOutcome.Quarantined(r.lineNumber(), r.id(), QuarantineReason.EMPTY_TEXT,
                    "no text left after cleaning").withExcerptOf(r.text());
        }
        Optional<String> term = blocked.find(text);
        if (term.isPresent()) {
            return new IngestOutcome.Quarantined(r.lineNumber(), r.id(), QuarantineReason.BLOCKED_TERM,
                    "contains the blocked term '" + term.get() + "'");
        }
        Map<PiiRedactor.Kind, Integer> redactions = Map.of();
        if (redactPii) {
            PiiRedactor.Result redacted = PiiRedactor.redact(text);
            text = redacted.text();
            redactions = redacted.counts();
        }
        int count = tokens.count(text);
        boolean truncated = false;
        if (count > maxTokens) {
            if (policy == LengthPolicy.REJECT) {
                return new IngestOutcome.Quarantined(r.lineNumber(), r.id(), QuarantineReason.TOO_LONG,
                        count + " tokens, more than max.tokens=" + maxTokens).withExcerptOf(text);
            }
            text = tokens.truncate(text, maxTokens);
            truncated = true;
        }
        return new IngestOutcome.Prepared(
                new PreparedRecord(r.id(), text, r.label(), r.lineNumber(), count, truncated, redactions));
    }
}
