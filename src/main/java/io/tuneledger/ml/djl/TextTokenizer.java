package io.tuneledger.ml.djl;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * A model's own tokenizer (its tokenizer.json, through DJL's Hugging Face tokenizers): special tokens added,
 * truncation to {@code maxLength}, batches padded to their longest sequence.
 */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final long padId;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        long[] pad = tokenizer.encode("[PAD]", false, false).getIds();
        this.padId = pad.length == 1 ? pad[0] : 0;
    }

    /** Loads a tokenizer.json from a stream. */
    public static TextTokenizer load(InputStream tokenizerJson, int maxLength) throws IOException {
        if (maxLength < 2) {
            throw new IllegalArgumentException("max length must be at least 2, got " + maxLength);
        }
        HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                "truncation", "true", "maxLength", Integer.toString(maxLength), "padding", "false",
                "addSpecialTokens", "true"));
        return new TextTokenizer(t, maxLength);
    }

    public int maxLength() {
        return maxLength;
    }

    /** Token ids of one text, special tokens included, truncated to the max length. */
    public long[] ids(String text) {
        return tokenizer.encode(text).getIds();
    }

    /** The id of a token of the vocabulary ({@code [MASK]}), or -1 when it is not one token. */
    public long tokenId(String token) {
        long[] ids = tokenizer.encode(token, false, false).getIds();
        return ids.length == 1 ? ids[0] : -1;
    }

    /** Tokens (as strings) of one text, for inspection. */
    public String[] tokens(String text) {
        return tokenizer.encode(text).getTokens();
    }

    /** Pads single-sentence id sequences (from {@link #ids}) into one batch; token types are all 0. */
    public TokenBatch pad(List<long[]> sequences) {
        int longest = sequences.stream().mapToInt(s -> s.length).max().orElse(0);
        long[][] ids = new long[sequences.size()][longest];
        long[][] mask = new long[sequences.size()][longest];
        for (int i = 0; i < ids.length; i++) {
            long[] e = sequences.get(i);
            for (int j = 0; j < longest; j++) {
                ids[i][j] = j < e.length ? e[j] : padId;
                mask[i][j] = j < e.length ? 1 : 0;
            }
        }
        return new TokenBatch(ids, mask, new long[ids.length][longest]);
    }

    /** Encodes texts into one batch padded to the longest sequence (single sentences: token types all 0). */
    public TokenBatch batch(List<String> texts) {
        return pad(texts.stream().map(this::ids).toList());
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
