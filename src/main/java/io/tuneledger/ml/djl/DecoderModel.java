package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import io.tuneledger.ml.DecoderConfig;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.weights.LoraWeights;
import io.tuneledger.ml.weights.DecoderWeights;
import io.tuneledger.ml.weights.Tensor;
import io.tuneledger.ml.weights.WeightsException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A decoder language model of the Llama and Qwen2 families ({@link DecoderConfig}), computed with DJL's NDArray
 * operations on the PyTorch engine, in float32. Parameters carry Hugging Face's names and layouts, so a model directory
 * an enterprise brings loads without conversion, and adapters and merged weights go back out in the same names. Per
 * layer: RMSNorm, attention with rotary position embeddings and grouped key/value heads, residual; RMSNorm, SwiGLU,
 * residual; then a final RMSNorm and the output projection (the input embeddings when tied).
 *
 * <p>Sequences in a batch may be left-padded: each position carries its own rotary position and the key mask excludes
 * padding, so a batch gives every sequence the logits it has alone. A {@link KvCache} keeps the keys and values of the
 * positions seen so far, so generation computes only the new token per step.
 */
public final class DecoderModel implements AutoCloseable {

    /** Additive mask for excluded keys: large enough that softmax gives them exactly zero weight. */
    private static final float MASKED = -1e9f;

    private final DecoderConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();
    private final float[] inverseFrequencies;
    /** The LoRA settings once {@link #addLora} was called; null without adapters. */
    private TrainingConfig.Lora lora;

    private DecoderModel(DecoderConfig config, NDManager manager) {
        this.config = config;
        this.manager = manager;
        this.inverseFrequencies = config.inverseFrequencies();
    }

    /**
     * Loads a Hugging Face model directory (config.json and safetensors weights, sharded or not; float32, float16 or
     * bfloat16, widened to float32), one tensor at a time.
     */
    public static DecoderModel load(NDManager parent, Path dir) throws IOException {
        DecoderConfig config = DecoderConfig.read(dir.resolve(DecoderWeights.CONFIG));
        DecoderModel model = new DecoderModel(config, parent.newSubManager());
        try {
            DecoderWeights.load(dir, config, model::put);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    private void put(Tensor t) {
        NDArray array = manager.create(t.data(), new Shape(t.shape()));
        array.setName(t.name());
        parameters.put(t.name(), array);
    }

    /**
     * Adds a low-rank adapter to every targeted projection of every layer, as PEFT's LoRA does (A Kaiming-uniform
     * within +-1/sqrt(in) from {@code seed}, B zero, so the adapted model starts as the base model).
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

    /** Whether a parameter is an adapter's. */
    public static boolean isAdapter(String name) {
        return name.endsWith(LoraWeights.A) || name.endsWith(LoraWeights.B);
    }

    /** A copy of the values of the parameters whose names {@code which} accepts. */
    public Map<String, Tensor> toTensors(Predicate<String> which) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        parameters.forEach((name, a) -> {
            if (which.test(name)) {
                out.put(name, new Tensor(name, a.getShape().getShape(), a.toFloatArray()));
            }
        });
        return out;
    }

    /** Overwrites parameter values in place (names the model has, same shapes). */
    public void load(Map<String, Tensor> values) throws WeightsException {
        for (Tensor t : values.values()) {
            NDArray a = parameters.get(t.name());
            if (a == null || !java.util.Arrays.equals(a.getShape().getShape(), t.shape())) {
                throw new WeightsException("Checkpoint tensor " + t.name() + " " + t.shapeText()
                        + " does not fit this model");
            }
            a.set(t.data());
        }
    }

    public DecoderConfig config() {
        return config;
    }

    /** The parameters by Hugging Face name, in the order of the weight files. */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /**
     * The keys and values of the positions a batch has seen, per layer ([batch, kv heads, length, head size]), with
     * the key mask over those positions. Arrays live in the manager given at creation; each step replaces and frees
     * the previous ones.
     */
    public static final class KvCache implements AutoCloseable {
        private final NDManager manager;
        private final NDArray[] keys;
        private final NDArray[] values;
        private NDArray keyMask;

        public KvCache(NDManager parent, DecoderModel model) {
            this.manager = parent.newSubManager();
            this.keys = new NDArray[model.config.numLayers()];
            this.values = new NDArray[model.config.numLayers()];
        }

        /** Positions held, padding included. */
        public long length() {
            return keyMask == null ? 0 : keyMask.getShape().get(1);
        }

        private NDArray extend(NDArray[] store, int layer, NDArray added) {
            NDArray joined = store[layer] == null ? added : store[layer].concat(added, 2);
            joined.attach(manager);
            if (store[layer] != null) {
                store[layer].close();
            }
            store[layer] = joined;
            return joined;
        }

        private NDArray extendMask(NDArray added) {
            NDArray joined = keyMask == null ? added : keyMask.concat(added, 1);
            joined.attach(manager);
            if (keyMask != null) {
                keyMask.close();
            }
            keyMask = joined;
            return joined;
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /**
     * The final hidden states [batch, length, hidden] of token ids [batch, length] at rotary positions [batch, length]
     * (int64), whose keys count where {@code mask} [batch, length] is 1 (float32; 0 for padding). With a cache, the
     * tokens follow the positions it holds (which they attend to as well) and are added to it; without one, they are
     * the whole sequence. Every intermediate is created in {@code scope}.
     */
    public NDArray hidden(NDManager scope, NDArray ids, NDArray positions, NDArray mask, KvCache cache) {
        return hidden(scope, ids, positions, mask, cache, false);
    }

    /** As {@link #hidden(NDManager, NDArray, NDArray, NDArray, KvCache)}, with the adapters' dropout when training. */
    public NDArray hidden(NDManager scope, NDArray ids, NDArray positions, NDArray mask, KvCache cache,
            boolean training) {
        long b = ids.getShape().get(0);
        long t = ids.getShape().get(1);
        long past = cache == null ? 0 : cache.length();
        NDArray keyMask = cache == null ? mask : cache.extendMask(mask);
        long total = past + t;
        // Additive mask [batch, 1, 1, t, total]: query i sees key j when j <= past + i and key j is not padding.
        float[] causal = new float[(int) (t * total)];
        for (int i = 0; i < t; i++) {
            for (long j = past + i + 1; j < total; j++) {
                causal[(int) (i * total + j)] = MASKED;
            }
        }
        NDArray additive = scope.create(causal, new Shape(1, 1, 1, t, total))
                .add(keyMask.sub(scope.create(1f)).mul(scope.create(-MASKED)).reshape(b, 1, 1, 1, total));
        // Rotary angles [batch, 1, t, head size]: each position times each inverse frequency, the halves repeated.
        NDArray angles = positions.toType(DataType.FLOAT32, false).expandDims(2)
                .mul(scope.create(inverseFrequencies).reshape(1, 1, inverseFrequencies.length));
        angles = angles.concat(angles, 2).expandDims(1);
        NDArray cos = angles.cos();
        NDArray sin = angles.sin();
        // Constants are tensors of the caller's scope, never Java numbers (see BertClassifierModel.encode).
        NDArray scale = scope.create((float) (1.0 / Math.sqrt(config.headDim())));
        NDArray eps = scope.create(config.rmsNormEps());
        NDArray loraScale = lora == null ? null : scope.create(lora.scale());
        NDArray x = Embedding.embedding(ids, p(DecoderWeights.EMBEDDINGS), SparseFormat.DENSE).singletonOrThrow();
        for (int i = 0; i < config.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            NDArray h = rmsNorm(x, p + "input_layernorm.weight", eps);
            NDArray q = linear(h, p + "self_attn.q_proj", training, loraScale);
            NDArray k = linear(h, p + "self_attn.k_proj", training, loraScale);
            NDArray v = heads(linear(h, p + "self_attn.v_proj", training, loraScale), b, t, config.numKvHeads());
            q = rotate(heads(q, b, t, config.numHeads()), cos, sin);
            k = rotate(heads(k, b, t, config.numKvHeads()), cos, sin);
            if (cache != null) {
                k = cache.extend(cache.keys, i, k);
                v = cache.extend(cache.values, i, v);
            }
            NDArray context = attention(q, k, v, additive, scale, b, t, total);
            x = x.add(linear(context, p + "self_attn.o_proj", training, loraScale));
            h = rmsNorm(x, p + "post_attention_layernorm.weight", eps);
            NDArray gate = linear(h, p + "mlp.gate_proj", training, loraScale);
            NDArray up = linear(h, p + "mlp.up_proj", training, loraScale);
            x = x.add(linear(gate.mul(Activation.sigmoid(gate)).mul(up), p + "mlp.down_proj", training, loraScale));
        }
        return rmsNorm(x, "model.norm.weight", eps);
    }

    /** Scores over the vocabulary of hidden states [..., hidden]: [..., vocab]. */
    public NDArray logits(NDArray hidden) {
        String out = config.tieWordEmbeddings() ? DecoderWeights.EMBEDDINGS : DecoderWeights.LM_HEAD;
        return Linear.linear(hidden, p(out)).singletonOrThrow();
    }

    /**
     * Grouped-query attention without copying keys and values per head: the query heads of one group are stacked
     * along the length axis and meet their group's keys in one product. q [b, heads, t, d]; k, v [b, kv, total, d].
     */
    private NDArray attention(NDArray q, NDArray k, NDArray v, NDArray additive, NDArray scale, long b, long t,
            long total) {
        int kv = config.numKvHeads();
        int g = config.groupSize();
        int d = config.headDim();
        NDArray grouped = q.reshape(b, kv, g * t, d);
        NDArray scores = grouped.matMul(k.transpose(0, 1, 3, 2)).mul(scale).reshape(b, kv, g, t, total).add(additive);
        NDArray probs = scores.softmax(4).reshape(b, kv, g * t, total);
        // [b, kv, g * t, d] -> [b, heads, t, d] -> [b, t, heads * d]
        return probs.matMul(v).reshape(b, config.numHeads(), t, d).transpose(0, 2, 1, 3)
                .reshape(b, t, (long) config.numHeads() * d);
    }

    /** [b, t, n * d] -> [b, n, t, d] */
    private NDArray heads(NDArray x, long b, long t, int n) {
        return x.reshape(b, t, n, config.headDim()).transpose(0, 2, 1, 3);
    }

    /** Rotary embedding in the rotate-half form: x cos + (-x2, x1) sin, where x1 and x2 are the halves of x. */
    private static NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
        NDList halves = x.split(2, 3);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3);
        return x.mul(cos).add(rotated.mul(sin));
    }

    private NDArray rmsNorm(NDArray x, String weight, NDArray eps) {
        return x.div(x.square().mean(new int[] {-1}, true).add(eps).sqrt()).mul(p(weight));
    }

    /** A projection, plus its adapter's output when it has one. */
    private NDArray linear(NDArray x, String prefix, boolean training, NDArray loraScale) {
        NDArray bias = parameters.get(prefix + ".bias");
        NDArray out = (bias == null ? Linear.linear(x, p(prefix + ".weight"))
                : Linear.linear(x, p(prefix + ".weight"), bias)).singletonOrThrow();
        NDArray a = lora == null ? null : parameters.get(prefix + LoraWeights.A);
        return a == null ? out : Adapters.add(out, x, a, p(prefix + LoraWeights.B), lora.dropout(), training,
                loraScale);
    }

    private NDArray p(String name) {
        NDArray a = parameters.get(name);
        if (a == null) {
            throw new IllegalStateException("No parameter " + name);
        }
        return a;
    }

    @Override
    public void close() {
        manager.close();
    }
}
