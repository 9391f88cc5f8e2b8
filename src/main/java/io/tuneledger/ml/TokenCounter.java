package io.tuneledger.ml;

/** Token lengths by a model's tokenizer, for the length filter of prepare-dataset. */
public interface TokenCounter {

    /**
     * A text's length in tokens (special tokens included, no truncation) and, when that is over the limit, where
     * the longest prefix of at most that many tokens ends.
     *
     * @param cutAt the end (exclusive, in chars) of the longest prefix within the limit; the text's length when the
     *     whole text is within it
     */
    record Measure(int tokens, int cutAt) {
    }

    /** Measures {@code text} against a limit of {@code maxTokens}, in one pass of the tokenizer. */
    Measure measure(String text, int maxTokens);

    /** Tokens of {@code text}, special tokens included, without truncation. */
    default int count(String text) {
        return measure(text, Integer.MAX_VALUE).tokens();
    }

    /** The longest prefix of {@code text} that encodes to at most {@code maxTokens} tokens, special tokens included. */
    default String truncate(String text, int maxTokens) {
        return text.substring(0, measure(text, maxTokens).cutAt());
    }
}
