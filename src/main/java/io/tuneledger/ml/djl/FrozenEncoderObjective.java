package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.weights.BertWeights;
import io.tuneledger.ml.weights.Tensor;
import io.tuneledger.ml.weights.WeightsException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Classification's baseline: the classification head alone, trained on the frozen encoder's text vectors (a linear
 * probe). The encoder is run once over every split, without dropout, and its pooled vectors are kept; training and
 * validation then touch only the head, so the baseline costs one pass of the encoder instead of one per epoch. Same
 * data, epochs, batch size, learning rate, dropout (on the vectors) and seed as the fine-tuning it is compared with.
 */
final class FrozenEncoderObjective implements TrainingObjective {

    private final List<String> labels;
    private final BertClassifierModel model;
    private final List<LabelledText> train;
    private final List<LabelledText> validation;
    private final float[][] trainVectors;
    private final float[][] validationVectors;
    private final Map<String, NDArray> head = new LinkedHashMap<>();

    FrozenEncoderObjective(List<String> labels, BertClassifierModel model, TextTokenizer tokenizer,
            List<LabelledText> train, List<LabelledText> validation, NDManager manager) {
        if (validation.isEmpty()) {
            throw new IllegalArgumentException("No validation examples");
        }
        this.labels = List.copyOf(labels);
        this.model = model;
        this.train = train;
        this.validation = validation;
        this.trainVectors = vectors(model, tokenizer, train, manager);
        this.validationVectors = vectors(model, tokenizer, validation, manager);
        head.put(BertWeights.CLASSIFIER_WEIGHT, model.parameters().get(BertWeights.CLASSIFIER_WEIGHT));
        head.put(BertWeights.CLASSIFIER_BIAS, model.parameters().get(BertWeights.CLASSIFIER_BIAS));
    }

    /** The encoder's pooled vectors of {@code examples}, in batches of 32 texts of similar length. */
    static float[][] vectors(BertClassifierModel model, TextTokenizer tokenizer, List<LabelledText> examples,
            NDManager parent) {
        JniUtils.setGradMode(false);
        List<long[]> ids = examples.stream().map(t -> tokenizer.ids(t.text())).toList();
        int n = ids.size();
        int h = model.config().hiddenSize();
        float[][] out = new float[n][];
        List<Integer> order = IntStream.range(0, n).boxed().sorted(Comparator.comparingInt(i -> ids.get(i).length))
                .toList();
        for (int start = 0; start < n; start += 32) {
            List<Integer> indices = order.subList(start, Math.min(n, start + 32));
            List<long[]> batch = new ArrayList<>();
            indices.forEach(i -> batch.add(ids.get(i)));
            try (NDManager scope = parent.newSubManager()) {
                float[] flat = model.pooled(scope, tokenizer.pad(batch)).toFloatArray();
                for (int j = 0; j < indices.size(); j++) {
                    out[indices.get(j)] = Arrays.copyOfRange(flat, j * h, (j + 1) * h);
                }
            }
        }
        return out;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return head;
    }

    @Override
    public boolean trains(String parameter, TrainingConfig.TrainMode mode) {
        return true;
    }

    @Override
    public int trainSize() {
        return train.size();
    }

    @Override
    public NDArray loss(NDManager scope, int[] indices, float dropout, long seed) {
        int h = model.config().hiddenSize();
        float[] x = new float[indices.length * h];
        int[] truth = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(trainVectors[indices[i]], 0, x, i * h, h);
            truth[i] = train.get(indices[i]).label();
        }
        float[] unweighted = new float[indices.length];
        Arrays.fill(unweighted, 1f);
        NDArray logits = model.head(scope.create(x, new Shape(indices.length, h)), true, dropout);
        return ClassificationObjective.crossEntropy(scope, logits, truth, unweighted);
    }

    @Override
    public Validation validate(NDManager parent, int batchSize) {
        return ClassificationObjective.validation(probabilities(validationVectors, parent), labels, validation);
    }

    /** The head's probabilities for vectors of the encoder. */
    float[][] probabilities(float[][] vectors, NDManager parent) {
        JniUtils.setGradMode(false);
        int h = model.config().hiddenSize();
        int k = labels.size();
        float[][] out = new float[vectors.length][];
        try (NDManager scope = parent.newSubManager()) {
            float[] x = new float[vectors.length * h];
            for (int i = 0; i < vectors.length; i++) {
                System.arraycopy(vectors[i], 0, x, i * h, h);
            }
            float[] flat = model.head(scope.create(x, new Shape(vectors.length, h)), false, 0f).softmax(1)
                    .toFloatArray();
            for (int i = 0; i < vectors.length; i++) {
                out[i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
            }
        }
        return out;
    }

    @Override
    public Map<String, Tensor> weights() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        head.forEach((name, a) -> out.put(name, new Tensor(name, a.getShape().getShape(), a.toFloatArray())));
        return out;
    }

    @Override
    public void load(Map<String, Tensor> weights) throws WeightsException {
        for (Map.Entry<String, NDArray> e : head.entrySet()) {
            Tensor t = weights.get(e.getKey());
            if (t == null) {
                throw new WeightsException("The baseline's state holds no " + e.getKey());
            }
            e.getValue().set(t.data());
        }
    }

    /** Labels, training-set size and a hash of the training ids and labels: the baseline's own kind of state. */
    @Override
    public String fingerprint() {
        return "frozen-encoder|" + ClassificationObjective.fingerprint(labels, train);
    }

    @Override
    public String metricName() {
        return "validationMacroF1";
    }
}
