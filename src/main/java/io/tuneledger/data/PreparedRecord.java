package io.tuneledger.data;

import java.util.Map;

/**
 * A record that passed cleaning and filtering: its cleaned (and redacted) text, its token count with the target
 * tokenizer (before any truncation), whether it was truncated, and what was redacted.
 */
public record PreparedRecord(String id, String text, String label, long lineNumber, int tokens, boolean truncated,
        Map<PiiRedactor.Kind, Integer> redactions) {

    public PreparedRecord {
        redactions = Map.copyOf(redactions);
    }
}
