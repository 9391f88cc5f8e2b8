package io.tuneledger.ml.djl;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import io.tuneledger.ml.TokenCounter;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** {@link TokenCounter} on a model's tokenizer.json: counts without truncating, cuts texts at token boundaries. */
public final class TokenLengths implements TokenCounter, AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final int specialTokens;

    private TokenLengths(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.specialTokens = tokenizer.encode("").getIds().length;
    }

    /** Loads a tokenizer.json from a stream. */
    public static TokenLengths load(InputStream tokenizerJson) throws IOException {
        return new TokenLengths(HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                "truncation", "false", "padding", "false", "addSpecialTokens", "true")));
    }

    /**
     * One encoding gives both the length and the cut: the end of the last content token that fits. WordPiece is stable
     * on prefixes that end at a token boundary (greedy longest match from the left), so the prefix encodes to exactly
     * those tokens again.
     */
    @Override
    public Measure measure(String text, int maxTokens) {
        Encoding e = tokenizer.encode(text);
        int n = e.getIds().length;
        if (n <= maxTokens) {
            return new Measure(n, text.length());
        }
        CharSpan[] spans = e.getCharTokenSpans();
        long[] special = e.getSpecialTokenMask();
        int keep = Math.max(0, maxTokens - specialTokens);
        int end = 0;
        int kept = 0;
        for (int i = 0; i < spans.length && kept < keep; i++) {
            if (special[i] == 1 || spans[i] == null) {
                continue;
            }
            end = Math.max(end, spans[i].getEnd());
            kept++;
        }
        return new Measure(n, Math.min(end, text.length()));
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
