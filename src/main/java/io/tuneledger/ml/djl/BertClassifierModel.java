package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import io.tuneledger.ml.EncoderConfig;
import io.tuneledger.ml.Pooling;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.weights.BertWeights;
import io.tuneledger.ml.weights.LoraWeights;
import io.tuneledger.ml.weights.Tensor;
import io.tuneledger.ml.weights.WeightsException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A BERT encoder with a sequence-classification head, computed with DJL's NDArray operations on the PyTorch engine.
 * Parameters carry Hugging Face's names and layouts (Linear weights [out, in]), so weights move in and out of
 * Hugging Face checkpoints and ONNX exports without renaming: post-LayerNorm layers, exact (erf) GELU, additive
 * attention mask, pooling per {@link EncoderConfig#pooling()}, then dropout and {@code classifier}.
 *
 * <p>The parameters live in the model's own manager; every intermediate of a forward pass is created in the manager
 * the caller passes, so closing that manager after a step frees everything the step made.
 */
public final class BertClassifierModel implements AutoCloseable {

    /** Additive mask for padding positions: large enough that softmax gives them exactly zero weight. */
    private static final float MASKED = -1e9f;
    /**
     * The most attention scores (floats: texts x heads x length x length) one inference pass computes, 8 MB: well
     * below glibc's largest mmap threshold (32 MB), so the scores and their softmax reuse freed heap memory.
     */
    private static final long SCORES_PER_PASS = 1L << 21;

    private final EncoderConfig config;
    private final int numLabels;
    private final NDManager manager;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();
    /** The LoRA settings once {@link #addLora} was called; null without adapters. */
    private TrainingConfig.Lora lora;

    private BertClassifierModel(EncoderConfig config, int numLabels, NDManager manager) {
        this.config = config;
        this.numLabels = numLabels;
        this.manager = manager;
    }

    /**
     * Builds the model from encoder weights and, when {@code head} is null, a new head initialised like Hugging Face
     * does (normal, std 0.02; zero bias) from {@code seed}.
     */
    public static BertClassifierModel create(NDManager parent, EncoderConfig config, int numLabels,
            Map<String, Tensor> encoder, Map<String, Tensor> head, long seed) throws WeightsException {
        if (numLabels < 1) {
            throw new IllegalArgumentException("A classifier needs at least one label, not " + numLabels);
        }
        BertWeights.check(encoder, BertWeights.encoderShapes(config), "encoder");
        Map<String, Tensor> headWeights = head != null ? head : initialHead(config, numLabels, seed);
        BertWeights.check(headWeights, BertWeights.headShapes(config, numLabels), "classification head");
        BertClassifierModel model = new BertClassifierModel(config, numLabels, parent.newSubManager());
        for (Tensor t : encoder.values()) {
            model.put(t);
        }
        for (Tensor t : headWeights.values()) {
            model.put(t);
        }
        return model;
    }

    /**
     * The encoder alone, without a head ({@link #numLabels()} 0): a sentence encoder whose output is
     * {@link #embed pooled text vectors}, as retrieval trains it.
     */
    public static BertClassifierModel encoderOnly(NDManager parent, EncoderConfig config, Map<String, Tensor> encoder)
            throws WeightsException {
        BertWeights.check(encoder, BertWeights.encoderShapes(config), "encoder");
        BertClassifierModel model = new BertClassifierModel(config, 0, parent.newSubManager());
        for (Tensor t : encoder.values()) {
            model.put(t);
        }
        return model;
    }

    private static Map<String, Tensor> initialHead(EncoderConfig config, int numLabels, long seed) {
        Random random = new Random(seed);
        float[] w = new float[numLabels * config.hiddenSize()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() * 0.02);
        }
        Map<String, Tensor> head = new LinkedHashMap<>();
        head.put(BertWeights.CLASSIFIER_WEIGHT, new Tensor(BertWeights.CLASSIFIER_WEIGHT,
                new long[] {numLabels, config.hiddenSize()}, w));
        head.put(BertWeights.CLASSIFIER_BIAS, new Tensor(BertWeights.CLASSIFIER_BIAS, new long[] {numLabels},
                new float[numLabels]));
        return head;
    }

    /**
     * Adds a low-rank adapter to every targeted Linear layer of every encoder layer, as PEFT's LoRA does: for a layer
     * {@code W} [out, in], {@code lora_A} [r, in] initialised uniform in +-1/sqrt(in) (Kaiming-uniform with a = sqrt 5,
     * from {@code seed}) and {@code lora_B} [out, r] zero, so that the adapted model starts as the base model; the layer
     * computes {@code x W^T + b + dropout(x) A^T B^T * alpha / r}. Adapter names are the layer's name with
     * {@code .lora_A.weight} and {@code .lora_B.weight}.
     */
    public void addLora(TrainingConfig.Lora settings, long seed) {
        if (lora != null) {
            throw new IllegalStateException("The model has adapters already");
        }
        for (Tensor t : LoraWeights.initial(LoraWeights.shapes(config, settings), seed).values()) {
            put(t);
        }
        lora = settings;
    }

    /** The LoRA settings, or null when the model has no adapters. */
    public TrainingConfig.Lora lora() {
        return lora;
    }

    private void put(Tensor t) {
        NDArray array = manager.create(t.data(), new Shape(t.shape()));
        array.setName(t.name());
        parameters.put(t.name(), array);
    }

    public EncoderConfig config() {
        return config;
    }

    public int numLabels() {
        return numLabels;
    }

    /** The parameters by Hugging Face name, in a stable order. */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /** A copy of every parameter's values. */
    public Map<String, Tensor> toTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            out.put(e.getKey(), new Tensor(e.getKey(), e.getValue().getShape().getShape(),
                    e.getValue().toFloatArray()));
        }
        return out;
    }

    /**
     * Overwrites parameter values in place (same names and shapes): all of them, or, for a model with adapters, only
     * the adapters and the head (what a LoRA run saves).
     */
    public void load(Map<String, Tensor> values) throws WeightsException {
        Map<String, long[]> expected = new LinkedHashMap<>();
        if (lora == null || values.containsKey("embeddings.word_embeddings.weight")) {
            expected.putAll(BertWeights.encoderShapes(config));
        }
        if (lora != null) {
            expected.putAll(LoraWeights.shapes(config, lora));
        }
        if (numLabels > 0) {
            expected.putAll(BertWeights.headShapes(config, numLabels));
        }
        BertWeights.check(values, expected, "checkpoint");
        for (Tensor t : values.values()) {
            parameters.get(t.name()).set(t.data());
        }
    }

    /** The encoder's last hidden state, [batch, length, hidden]. */
    public NDArray encode(NDManager scope, TokenBatch batch, boolean training, float dropout) {
        int b = batch.size();
        int len = batch.length();
        NDArray ids = scope.create(batch.inputIds());
        NDArray types = scope.create(batch.tokenTypeIds());
        NDArray positions = scope.arange(0, len, 1, DataType.INT64);
        NDArray x = Embedding.embedding(ids, p("embeddings.word_embeddings.weight"), SparseFormat.DENSE)
                .singletonOrThrow();
        x = x.add(Embedding.embedding(positions, p("embeddings.position_embeddings.weight"), SparseFormat.DENSE)
                .singletonOrThrow());
        x = x.add(Embedding.embedding(types, p("embeddings.token_type_embeddings.weight"), SparseFormat.DENSE)
                .singletonOrThrow());
        x = layerNorm(x, "embeddings.LayerNorm");
        x = dropout(x, dropout, training);

        NDArray mask = scope.create(batch.attentionMask()).toType(DataType.FLOAT32, false)
                .sub(scope.create(1f)).mul(scope.create(-MASKED)).reshape(b, 1, 1, len);
        int hs = config.headSize();
        // Constants are tensors of the caller's scope, never Java numbers: DJL turns mul(Number) into a temporary tensor
        // over a Java buffer that it closes at once, while autograd keeps that tensor for the backward pass. The
        // garbage collector may then free the buffer, and another thread's allocation overwrite the scale before
        // backward reads it: training diverged at random steps while the server was busy, and once became NaN.
        NDArray scale = scope.create((float) (1.0 / Math.sqrt(hs)));
        NDArray loraScale = lora == null ? null : scope.create(lora.scale());
        if (training) {
            for (int i = 0; i < config.numLayers(); i++) {
                x = layer(x, i, mask, scale, loraScale, true, dropout);
            }
            return x;
        }
        // Inference runs the batch through the layers a few texts at a time when its attention scores would be large:
        // a tensor above glibc's largest mmap threshold (32 MB) is mapped afresh and page-faulted on every use, which
        // made 32 x 512 tokens eight times slower than the same work in slices (docs/model-core.md).
        int rows = (int) Math.max(1, Math.min(b, SCORES_PER_PASS / ((long) config.numHeads() * len * len)));
        if (rows >= b) {
            return inferenceLayers(x, mask, scale, loraScale);
        }
        NDList slices = new NDList();
        for (int from = 0; from < b; from += rows) {
            NDIndex part = new NDIndex("{}:{}", from, Math.min(b, from + rows));
            slices.add(inferenceLayers(x.get(part), mask.get(part), scale, loraScale));
        }
        return NDArrays.concat(slices, 0);
    }

    /** All encoder layers without autograd, each layer's intermediates freed when the layer ends. */
    private NDArray inferenceLayers(NDArray x, NDArray mask, NDArray scale, NDArray loraScale) {
        for (int i = 0; i < config.numLayers(); i++) {
            // Without autograd nothing needs a layer's intermediates once it is done: free them now rather than
            // with the batch, or a batch of 32 x 512 tokens holds about 2 GB of attention scores per layer.
            try (NDScope layerScope = new NDScope()) {
                layerScope.suppressNotUsedWarning();
                x = layer(x, i, mask, scale, loraScale, false, 0f);
                NDScope.unregister(x);
            }
        }
        return x;
    }

    /** Encoder layer {@code i} on the hidden states {@code x}, [batch, length, hidden]. */
    private NDArray layer(NDArray x, int i, NDArray mask, NDArray scale, NDArray loraScale, boolean training,
            float dropout) {
        long[] shape = x.getShape().getShape();
        int b = (int) shape[0];
        int len = (int) shape[1];
        int h = config.hiddenSize();
        int heads = config.numHeads();
        int hs = config.headSize();
        String p = "encoder.layer." + i + ".";
        NDArray q = heads(linear(x, p + "attention.self.query", training, loraScale), b, len, heads, hs);
        NDArray k = heads(linear(x, p + "attention.self.key", training, loraScale), b, len, heads, hs);
        NDArray v = heads(linear(x, p + "attention.self.value", training, loraScale), b, len, heads, hs);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(mask);
        NDArray probs = dropout(scores.softmax(3), dropout, training);
        NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, len, h);
        NDArray attention = dropout(linear(context, p + "attention.output.dense", training, loraScale), dropout,
                training);
        NDArray y = layerNorm(attention.add(x), p + "attention.output.LayerNorm");
        NDArray inner = Activation.gelu(linear(y, p + "intermediate.dense", training, loraScale));
        NDArray out = dropout(linear(inner, p + "output.dense", training, loraScale), dropout, training);
        return layerNorm(out.add(y), p + "output.LayerNorm");
    }

    /** Class scores before softmax, [batch, numLabels]. */
    public NDArray logits(NDManager scope, TokenBatch batch, boolean training, float dropout) {
        return head(pool(scope, batch, encode(scope, batch, training, dropout)), training, dropout);
    }

    /** The text vectors the head reads, [batch, hidden]: the encoder without dropout, pooled. */
    public NDArray pooled(NDManager scope, TokenBatch batch) {
        return embed(scope, batch, false, 0f);
    }

    /** The pooled text vectors, [batch, hidden], with dropout inside the encoder while training. */
    public NDArray embed(NDManager scope, TokenBatch batch, boolean training, float dropout) {
        return pool(scope, batch, encode(scope, batch, training, dropout));
    }

    /** Class scores of pooled text vectors, [batch, numLabels], with dropout on the vectors while training. */
    public NDArray head(NDArray pooled, boolean training, float dropout) {
        if (numLabels == 0) {
            throw new IllegalStateException("This model is an encoder without a classification head");
        }
        return Linear.linear(dropout(pooled, dropout, training), p(BertWeights.CLASSIFIER_WEIGHT),
                p(BertWeights.CLASSIFIER_BIAS)).singletonOrThrow();
    }

    private NDArray pool(NDManager scope, TokenBatch batch, NDArray hidden) {
        if (config.pooling() == Pooling.CLS) {
            return hidden.get(":, 0, :");
        }
        NDArray m = scope.create(batch.attentionMask()).toType(DataType.FLOAT32, false).expandDims(2);
        return hidden.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}).maximum(scope.create(1e-9f)));
    }

    private NDArray p(String name) {
        NDArray a = parameters.get(name);
        if (a == null) {
            throw new IllegalStateException("No parameter " + name);
        }
        return a;
    }

    /** A Linear layer, plus its adapter's output when it has one ({@link #addLora}). */
    private NDArray linear(NDArray x, String prefix, boolean training, NDArray loraScale) {
        NDArray out = Linear.linear(x, p(prefix + ".weight"), p(prefix + ".bias")).singletonOrThrow();
        NDArray a = lora == null ? null : parameters.get(prefix + LoraWeights.A);
        if (a == null) {
            return out;
        }
        return Adapters.add(out, x, a, p(prefix + LoraWeights.B), lora.dropout(), training, loraScale);
    }

    private NDArray layerNorm(NDArray x, String prefix) {
        return LayerNorm.layerNorm(x, new Shape(config.hiddenSize()), p(prefix + ".weight"), p(prefix + ".bias"),
                config.layerNormEps()).singletonOrThrow();
    }

    private static NDArray heads(NDArray x, int b, int len, int heads, int hs) {
        return x.reshape(b, len, heads, hs).transpose(0, 2, 1, 3);
    }

    private static NDArray dropout(NDArray x, float rate, boolean training) {
        return training && rate > 0 ? Dropout.dropout(x, rate, true).singletonOrThrow() : x;
    }

    @Override
    public void close() {
        manager.close();
    }
}
