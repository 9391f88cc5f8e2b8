package io.tuneledger.data;

import io.tuneledger.ml.TokenCounter;
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
    private final int prefixChars;

    /**
     * Characters per token the prefix allows for: about twice the English average (Chinese is one a token).
     */
    private static final int CHARS_PER_TOKEN = 8;
    private static final int MARGIN = 512;
    private static final int PREFIX_SLACK = 1024;

    private record Prepared(String text, TokenCounter.Measure measure, Map<PiiRedactor.Kind, Integer> redactions) {
        int tokens() {
            return measure.tokens();
        }
    }

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
        this.prefixChars = maxTokens * CHARS_PER_TOKEN + MARGIN;
    }

    private Prepared redactAndCount(String text) {
        if (!redactPii) {
            return new Prepared(text, tokens.measure(text, maxTokens), Map.of());
        }
        PiiRedactor.Result redacted = PiiRedactor.redact(text);
        return new Prepared(redacted.text(), tokens.measure(redacted.text(), maxTokens), redacted.counts());
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
        // Fast path for long texts: only a prefix can survive truncation, so redact and measure a prefix first. Its
        // result is used only when the cut falls well before the prefix's end (MARGIN: longer than any match of the
        // redaction patterns and than any word the tokenizer splits), where the prefix and the whole text agree;
        // otherwise the whole text is processed, so the outcome never depends on the shortcut.
        boolean capped = text.length() > prefixChars + PREFIX_SLACK;
        Prepared p = redactAndCount(capped ? text.substring(0, prefixChars) : text);
        if (capped && (p.tokens() <= maxTokens || p.measure.cutAt() > p.text.length() - MARGIN)) {
            capped = false;
            p = redactAndCount(text);
        }
        boolean truncated = false;
        String stored = p.text;
        if (p.tokens() > maxTokens) {
            if (policy == LengthPolicy.REJECT) {
                return new IngestOutcome.Quarantined(r.lineNumber(), r.id(), QuarantineReason.TOO_LONG,
                        (capped ? "more than " + p.tokens() : p.tokens()) + " tokens, more than max.tokens=" + maxTokens)
                        .withExcerptOf(p.text);
            }
            stored = p.text.substring(0, p.measure.cutAt());
            truncated = true;
        }
        int count = truncated ? maxTokens : p.tokens();
        Map<PiiRedactor.Kind, Integer> redactions = truncated ? PiiRedactor.placeholders(stored) : p.redactions;
        return new IngestOutcome.Prepared(
                new PreparedRecord(r.id(), stored, r.label(), r.lineNumber(), count, truncated, redactions));
    }
}
