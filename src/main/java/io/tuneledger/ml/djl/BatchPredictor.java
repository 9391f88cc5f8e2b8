package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.LengthBatches;
import java.util.List;

/**
 * Batched inference: per-class probabilities for each text. Texts are sorted by token length so that a batch holds
 * texts of similar length and little padding ({@link LengthBatches}); results come back in the input order. Every
 * batch's arrays are freed when the batch is done, so memory stays flat however many texts pass.
 */
public final class BatchPredictor {

    private BatchPredictor() {
    }

    /** Probabilities [text][class] for pre-tokenized texts, in length-bucketed batches. */
    public static float[][] probabilities(BertClassifierModel model, TextTokenizer tokenizer, List<long[]> tokenIds,
            int batchSize, NDManager parent) {
        return probabilities(model, tokenizer, tokenIds, batchSize, true, parent);
    }

    /** Probabilities [text][class] for pre-tokenized texts, in batches bucketed by length or in input order. */
    public static float[][] probabilities(BertClassifierModel model, TextTokenizer tokenizer, List<long[]> tokenIds,
            int batchSize, boolean bucketing, NDManager parent) {
        return rows(model, tokenizer, tokenIds, batchSize, bucketing, parent, true);
    }

    /** Logits [text][class] for pre-tokenized texts (a distillation's teacher outputs), in length-bucketed batches. */
    public static float[][] logits(BertClassifierModel model, TextTokenizer tokenizer, List<long[]> tokenIds,
            int batchSize, NDManager parent) {
        return rows(model, tokenizer, tokenIds, batchSize, true, parent, false);
    }

    private static float[][] rows(BertClassifierModel model, TextTokenizer tokenizer, List<long[]> tokenIds,
            int batchSize, boolean bucketing, NDManager parent, boolean softmax) {
        float[][] out = new float[tokenIds.size()][];
        LengthBatches.forEach(tokenIds, batchSize, bucketing, (positions, sequences) -> {
            try (NDManager scope = parent.newSubManager()) {
                var logits = model.logits(scope, tokenizer.pad(sequences), false, 0f);
                float[] flat = (softmax ? logits.softmax(1) : logits).toFloatArray();
                int k = model.numLabels();
                for (int j = 0; j < positions.size(); j++) {
                    float[] row = new float[k];
                    System.arraycopy(flat, j * k, row, 0, k);
                    out[positions.get(j)] = row;
                }
            }
        });
        return out;
    }

    /**
     * Predicts labelled examples in batches of 32 and scores the predictions. Switches gradient recording off for the
     * calling thread first (see {@link TrainingSession}).
     */
    public static ClassificationMetrics evaluate(BertClassifierModel model, TextTokenizer tokenizer,
            List<LabelledText> examples, List<String> labels, NDManager parent) {
        JniUtils.setGradMode(false);
        List<long[]> ids = examples.stream().map(t -> tokenizer.ids(t.text())).toList();
        float[][] probabilities = probabilities(model, tokenizer, ids, 32, parent);
        int[] truth = examples.stream().mapToInt(LabelledText::label).toArray();
        return ClassificationMetrics.of(labels, truth, argmax(probabilities));
    }

    /** The index of the largest probability of each row. */
    public static int[] argmax(float[][] probabilities) {
        int[] out = new int[probabilities.length];
        for (int i = 0; i < out.length; i++) {
            int best = 0;
            for (int c = 1; c < probabilities[i].length; c++) {
                if (probabilities[i][c] > probabilities[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }
}
