package io.tuneledger.data;

import java.util.Map;

/**
 * A record that passed cleaning and filtering: its cleaned (and redacted) text as stored, that text's token count
 * with the target tokenizer (special tokens included), whether it was truncated to max.tokens, and what was redacted.
 */
public record PreparedRecord(String id, String text, String label, long lineNumber, int tokens, boolean truncated,
        Map<PiiRedactor.Kind, Integer> redactions) {

    public PreparedRecord {
        redactions = Map.copyOf(redactions);
    }
}
