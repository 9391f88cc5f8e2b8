package io.tuneledger.ml.djl;

/**
 * Token ids of a batch of texts, padded to the longest one: ids, attention mask (1 = token, 0 = padding) and token
 * type ids, each [batch][length].
 */
public record TokenBatch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {

    public int size() {
        return inputIds.length;
    }

    public int length() {
        return inputIds.length == 0 ? 0 : inputIds[0].length;
    }

    /** Number of real (non-padding) tokens in the batch. */
    public long tokens() {
        long n = 0;
        for (long[] row : attentionMask) {
            for (long m : row) {
                n += m;
            }
        }
        return n;
    }
}
