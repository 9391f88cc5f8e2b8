package io.tuneledger.ml.weights;

import io.tuneledger.ml.EncoderConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a BERT sequence classifier under Hugging Face's names and shapes (Linear weights [out, in]):
 * the encoder's ({@code embeddings.*}, {@code encoder.layer.N.*}) and the head's ({@code classifier.*}).
 */
public final class BertWeights {

    /** Name of the head's weight, [numLabels, hidden]. */
    public static final String CLASSIFIER_WEIGHT = "classifier.weight";
    /** Name of the head's bias, [numLabels]. */
    public static final String CLASSIFIER_BIAS = "classifier.bias";

    private BertWeights() {
    }

    /** The encoder's parameter names and shapes, in a stable order. */
    public static Map<String, long[]> encoderShapes(EncoderConfig c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        long h = c.hiddenSize();
        shapes.put("embeddings.word_embeddings.weight", new long[] {c.vocabSize(), h});
        shapes.put("embeddings.position_embeddings.weight", new long[] {c.maxPositions(), h});
        shapes.put("embeddings.token_type_embeddings.weight", new long[] {c.typeVocabSize(), h});
        shapes.put("embeddings.LayerNorm.weight", new long[] {h});
        shapes.put("embeddings.LayerNorm.bias", new long[] {h});
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            for (String proj : List.of("query", "key", "value")) {
                shapes.put(p + "attention.self." + proj + ".weight", new long[] {h, h});
                shapes.put(p + "attention.self." + proj + ".bias", new long[] {h});
            }
            shapes.put(p + "attention.output.dense.weight", new long[] {h, h});
            shapes.put(p + "attention.output.dense.bias", new long[] {h});
            shapes.put(p + "attention.output.LayerNorm.weight", new long[] {h});
            shapes.put(p + "attention.output.LayerNorm.bias", new long[] {h});
            shapes.put(p + "intermediate.dense.weight", new long[] {c.intermediateSize(), h});
            shapes.put(p + "intermediate.dense.bias", new long[] {c.intermediateSize()});
            shapes.put(p + "output.dense.weight", new long[] {h, c.intermediateSize()});
            shapes.put(p + "output.dense.bias", new long[] {h});
            shapes.put(p + "output.LayerNorm.weight", new long[] {h});
            shapes.put(p + "output.LayerNorm.bias", new long[] {h});
        }
        return shapes;
    }

    /** The classification head's parameter names and shapes. */
    public static Map<String, long[]> headShapes(EncoderConfig c, int numLabels) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(CLASSIFIER_WEIGHT, new long[] {numLabels, c.hiddenSize()});
        shapes.put(CLASSIFIER_BIAS, new long[] {numLabels});
        return shapes;
    }

    /**
     * Checks {@code tensors} against {@code expected}: every expected name present with its shape, nothing else.
     * Reports all problems at once.
     */
    public static void check(Map<String, Tensor> tensors, Map<String, long[]> expected, String source)
            throws WeightsException {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t == null) {
                problems.add("missing tensor " + e.getKey() + " " + Arrays.toString(e.getValue()));
            } else if (!Arrays.equals(t.shape(), e.getValue())) {
                problems.add("tensor " + e.getKey() + " has shape " + t.shapeText() + ", expected "
                        + Arrays.toString(e.getValue()));
            }
        }
        for (String name : tensors.keySet()) {
            if (!expected.containsKey(name)) {
                problems.add("unexpected tensor " + name + " " + tensors.get(name).shapeText());
            }
        }
        if (!problems.isEmpty()) {
            throw new WeightsException("Weights from " + source + " do not fit the model: " + String.join("; ", problems));
        }
    }
}
