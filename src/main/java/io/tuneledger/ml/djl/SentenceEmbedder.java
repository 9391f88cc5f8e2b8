package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.tuneledger.ml.EmbeddingIndex;
import io.tuneledger.ml.LengthBatches;
import io.tuneledger.ml.TextDocument;
import java.util.ArrayList;
import java.util.List;

/**
 * Text vectors for retrieval: the encoder's pooled output, scaled to unit length, so that a dot product is the cosine
 * similarity. Texts go through in batches of similar token length (little padding) and come back in input order;
 * each batch's arrays are freed when it is done.
 */
public final class SentenceEmbedder {

    private SentenceEmbedder() {
    }

    /**
     * Unit-length vectors [text][hidden] of pre-tokenized texts. Switches gradient recording off for the calling
     * thread first.
     */
    public static float[][] embed(BertClassifierModel model, TextTokenizer tokenizer, List<long[]> tokenIds,
            int batchSize, NDManager parent) {
        JniUtils.setGradMode(false);
        float[][] out = new float[tokenIds.size()][];
        int h = model.config().hiddenSize();
        LengthBatches.forEach(tokenIds, batchSize, (positions, sequences) -> {
            try (NDManager scope = parent.newSubManager()) {
                float[] flat = normalize(scope, model.embed(scope, tokenizer.pad(sequences), false, 0f))
                        .toFloatArray();
                for (int j = 0; j < positions.size(); j++) {
                    float[] row = new float[h];
                    System.arraycopy(flat, j * h, row, 0, h);
                    out[positions.get(j)] = row;
                }
            }
        });
        return out;
    }

    /** Rows scaled to unit length (a zero row stays zero). */
    static NDArray normalize(NDManager scope, NDArray vectors) {
        return vectors.div(vectors.norm(new int[] {1}, true).maximum(scope.create(1e-12f)));
    }

    /**
     * The ids of the {@code k} documents most similar to each query, best first (ties: the earlier document), through
     * the same search as a saved index ({@link EmbeddingIndex#search}).
     */
    public static List<List<String>> rank(float[][] queries, float[][] documents, List<TextDocument> corpus, int k) {
        EmbeddingIndex index = new EmbeddingIndex(corpus.stream().map(TextDocument::id).toList(), documents);
        List<List<String>> out = new ArrayList<>(queries.length);
        for (float[] q : queries) {
            out.add(index.search(q, k).stream().map(EmbeddingIndex.Hit::id).toList());
        }
        return out;
    }

    /** The dot product of {@code query} with each document vector. */
    static float[] scores(float[] query, float[][] documents) {
        float[] scores = new float[documents.length];
        for (int d = 0; d < documents.length; d++) {
            float s = 0;
            for (int i = 0; i < query.length; i++) {
                s += query[i] * documents[d][i];
            }
            scores[d] = s;
        }
        return scores;
    }
}
