package io.tuneledger.data;

/** Token lengths by a model's tokenizer, for the length filter of prepare-dataset. */
public interface TokenCounter {

    /** Tokens of {@code text}, special tokens included, without truncation. */
    int count(String text);

    /** The longest prefix of {@code text} that encodes to at most {@code maxTokens} tokens, special tokens included. */
    String truncate(String text, int maxTokens);
}
