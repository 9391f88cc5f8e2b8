package io.tuneledger.data;

import io.tuneledger.ml.Conversation;
import io.tuneledger.ml.QueryPair;
import io.tuneledger.ml.TextDocument;
import io.tuneledger.ml.TokenCounter;
import java.util.ArrayList;
import java.util.List;
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

    /** A text as kept: cleaned, checked, redacted and within max.tokens; or the reason it was not kept. */
    private record Checked(String text, int tokens, boolean truncated, Map<PiiRedactor.Kind, Integer> redactions,
            IngestOutcome.Quarantined quarantined) {
    }

    /**
     * Prepares an accepted record, pair or document; a quarantined one passes through unchanged. Every text of a pair
     * passes the same rules as a labelled text; the pair is quarantined when its query or answer does not, and keeps
     * no hard negative when its negative is empty after cleaning.
     */
    public IngestOutcome prepare(IngestOutcome outcome) {
        if (outcome instanceof IngestOutcome.Accepted a) {
            return prepare(a.record());
        }
        if (outcome instanceof IngestOutcome.AcceptedPair p) {
            return prepare(p.pair());
        }
        if (outcome instanceof IngestOutcome.AcceptedDocument d) {
            return prepare(d);
        }
        return outcome;
    }

    private IngestOutcome prepare(SourceRecord r) {
        if (!labels.isEmpty() && !labels.contains(r.label())) {
            return new IngestOutcome.Quarantined(r.lineNumber(), r.id(), QuarantineReason.UNKNOWN_LABEL,
                    "label '" + r.label() + "' is not one of " + String.join(",", labels.stream().sorted().toList()))
                    .withExcerptOf(r.text());
        }
        Checked c = check(r.lineNumber(), r.id(), r.text(), QuarantineReason.EMPTY_TEXT, "");
        if (c.quarantined() != null) {
            return c.quarantined();
        }
        return new IngestOutcome.Prepared(new PreparedRecord(r.id(), c.text(), r.label(), r.lineNumber(), c.tokens(),
                c.truncated(), c.redactions()));
    }

    private IngestOutcome prepare(PairRecord r) {
        if (r.conversation() != null) {
            return prepareConversation(r);
        }
        QueryPair p = r.pair();
        Checked query = check(r.lineNumber(), p.id(), p.query(), QuarantineReason.MISSING_QUERY, "the query: ");
        if (query.quarantined() != null) {
            return query.quarantined();
        }
        Checked answer = check(r.lineNumber(), p.id(), p.document(), QuarantineReason.EMPTY_POSITIVE, "the answer: ");
        if (answer.quarantined() != null) {
            return answer.quarantined();
        }
        Checked negative = p.negative() == null ? null
                : check(r.lineNumber(), p.id(), p.negative(), QuarantineReason.EMPTY_TEXT, "the hard negative: ");
        if (negative != null && negative.quarantined() != null) {
            if (negative.quarantined().reason() != QuarantineReason.EMPTY_TEXT) {
                return negative.quarantined();
            }
            negative = null;
        }
        Map<PiiRedactor.Kind, Integer> redactions = new java.util.EnumMap<>(PiiRedactor.Kind.class);
        for (Checked c : java.util.Arrays.asList(query, answer, negative)) {
            if (c != null) {
                c.redactions().forEach((k, n) -> redactions.merge(k, n, Integer::sum));
            }
        }
        return new IngestOutcome.PreparedPair(new QueryPair(p.id(), query.text(), p.documentId(), answer.text(),
                negative == null ? null : p.negativeId(), negative == null ? null : negative.text()), r.lineNumber(),
                answer.tokens(), query.truncated() || answer.truncated() || negative != null && negative.truncated(),
                redactions);
    }

    /**
     * A conversation: each message passes the rules on its own (a blocked term or a message left empty quarantines
     * the record, naming the message), so cleaning and redaction never run across two messages or a role.
     */
    private IngestOutcome prepareConversation(PairRecord r) {
        QueryPair p = r.pair();
        List<Conversation.Message> messages = r.conversation().messages();
        List<Conversation.Message> kept = new ArrayList<>();
        Map<PiiRedactor.Kind, Integer> redactions = new java.util.EnumMap<>(PiiRedactor.Kind.class);
        boolean truncated = false;
        int responseTokens = 0;
        for (int i = 0; i < messages.size(); i++) {
            Conversation.Message m = messages.get(i);
            boolean response = i == messages.size() - 1;
            Checked c = check(r.lineNumber(), p.id(), m.content(), response ? QuarantineReason.EMPTY_POSITIVE
                    : QuarantineReason.INVALID_MESSAGES, response ? "the response: "
                    : "message " + (i + 1) + " (" + m.role() + "): ");
            if (c.quarantined() != null) {
                return c.quarantined();
            }
            c.redactions().forEach((k, n) -> redactions.merge(k, n, Integer::sum));
            truncated |= c.truncated();
            responseTokens = c.tokens();
            kept.add(new Conversation.Message(m.role(), c.text()));
        }
        Conversation cleaned = new Conversation(kept);
        String response = cleaned.response();
        Conversation prompt = cleaned.prompt();
        return new IngestOutcome.PreparedPair(new QueryPair(p.id(), prompt.text(), p.documentId(), response),
                r.lineNumber(), responseTokens, truncated, redactions, prompt);
    }

    private IngestOutcome prepare(IngestOutcome.AcceptedDocument d) {
        TextDocument doc = d.document();
        Checked c = check(d.lineNumber(), doc.id(), doc.text(), QuarantineReason.EMPTY_TEXT, "");
        if (c.quarantined() != null) {
            return c.quarantined();
        }
        return new IngestOutcome.PreparedDocument(new TextDocument(doc.id(), c.text()), d.lineNumber(), c.tokens(),
                c.truncated(), c.redactions());
    }

    /**
     * Cleaning, blocked terms, redaction and token length for one text; {@code what} starts the detail of a
     * quarantine ("the query: ") and {@code ifEmpty} is its reason when nothing is left after cleaning.
     */
    private Checked check(long line, String id, String raw, QuarantineReason ifEmpty, String what) {
        String text = cleaner.clean(raw);
        if (text.isBlank()) {
            return quarantined(new IngestOutcome.Quarantined(line, id, ifEmpty, what + "no text left after cleaning")
                    .withExcerptOf(raw));
        }
        Optional<String> term = blocked.find(text);
        if (term.isPresent()) {
            return quarantined(new IngestOutcome.Quarantined(line, id, QuarantineReason.BLOCKED_TERM,
                    what + "contains the blocked term '" + term.get() + "'"));
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
        if (p.tokens() <= maxTokens) {
            return new Checked(p.text, p.tokens(), false, p.redactions, null);
        }
        if (policy == LengthPolicy.REJECT) {
            return quarantined(new IngestOutcome.Quarantined(line, id, QuarantineReason.TOO_LONG,
                    what + (capped ? "more than " + p.tokens() : p.tokens()) + " tokens, more than max.tokens="
                            + maxTokens).withExcerptOf(p.text));
        }
        String stored = p.text.substring(0, p.measure.cutAt());
        return new Checked(stored, maxTokens, true, PiiRedactor.placeholders(stored), null);
    }

    private static Checked quarantined(IngestOutcome.Quarantined q) {
        return new Checked(null, 0, false, Map.of(), q);
    }
}
