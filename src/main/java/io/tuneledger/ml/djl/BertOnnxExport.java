package io.tuneledger.ml.djl;

import io.tuneledger.ml.EncoderConfig;
import io.tuneledger.ml.Pooling;
import io.tuneledger.ml.weights.BertWeights;
import io.tuneledger.ml.weights.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A saved BERT classifier ({@link ModelArtifact}) as an ONNX graph for ONNX Runtime, computing what the model core
 * computes: embeddings, post-LayerNorm layers with exact (erf) GELU and padding masked out of attention, the model's
 * pooling, the classification head. Standard operators (opset 17) plus some of ONNX Runtime's own
 * ({@code com.microsoft} domain), written directly rather than left to its graph optimizer, which does not find them
 * in this graph: {@code Attention} (query, key and value as one product with packed weights, scaled scores, the mask,
 * softmax and the heads' context merged, in one kernel), {@code MultiHeadAttention} and
 * {@code SkipLayerNormalization} (bias, residual and LayerNorm). Each layer's self-attention goes one of two ways,
 * chosen per batch by an {@code If}: a batch of texts of at least {@link #TILED_MIN_LENGTH} tokens with no padding
 * (long texts cut at the model's length, length-bucketed together) through {@code MultiHeadAttention} without a mask,
 * which ONNX Runtime computes tile by tile in the L2 cache (flash attention) instead of writing out the batch's whole
 * [heads, sequence, sequence] scores; any other batch through {@code Attention} with the mask. Inputs
 * {@code input_ids}, {@code attention_mask}, {@code token_type_ids} (int64 [batch, sequence]); outputs
 * {@code logits} and {@code probabilities} (softmax) [batch, labels]. The file runs on ONNX Runtime only.
 *
 * <p>In {@link Precision#INT8} the encoder's Linear weights are stored as int8, symmetric, with one scale per output
 * column (the largest magnitude of the column maps to 127), and each Linear layer quantizes its input at run time
 * ({@code DynamicQuantizeLinear}, uint8 with its own scale and zero point per call) before an integer matrix product
 * ({@code MatMulInteger}, or {@code QAttention} for the packed query, key and value of a masked batch) that is scaled
 * back to float: ONNX Runtime's dynamic quantization, written directly. The word embeddings are stored as int8 with
 * one scale per token. Position and type embeddings, attention products, LayerNorm and the head stay fp32.
 */
public final class BertOnnxExport {

    /** The precision of the encoder's Linear layers. */
    public enum Precision {
        FP32, INT8
    }

    /**
     * Sequence length from which an unpadded batch's attention is computed in tiles: shorter, the masked kernel is
     * faster (measured in docs/model-core.md, "Scoring engines").
     */
    static final long TILED_MIN_LENGTH = 256;

    /** The model's graph. */
    private final OnnxGraph model;
    /** Where nodes are written: the model's graph, or the branch of an {@code If} being built. */
    private OnnxGraph g;
    private final EncoderConfig config;
    private final Map<String, Tensor> weights;
    private final Precision precision;
    /** Run-time quantizations of a Linear layer's input, shared by the layers reading the same value (q, k, v). */
    private final Map<String, List<String>> quantized = new HashMap<>();
    /** The int8 weights of Linear layers (and of the packed query, key and value), written once. */
    private final Map<String, Int8Weight> int8Weights = new HashMap<>();
    /** The batch's sequence length (a scalar). */
    private String length;

    private BertOnnxExport(EncoderConfig config, Map<String, Tensor> weights, Precision precision) {
        this.model = new OnnxGraph("tuneledger-bert-classifier");
        this.g = model;
        this.config = config;
        this.weights = weights;
        this.precision = precision;
    }

    /**
     * The serialised ONNX model of a classifier: {@code loaded} must hold a classification head.
     * {@code metadata} becomes the model's metadata properties (labels, provenance).
     */
    public static byte[] export(ModelArtifact.Loaded loaded, Precision precision, Map<String, String> metadata) {
        if (loaded.head().isEmpty() || loaded.labels().isEmpty()) {
            throw new IllegalArgumentException("Only a classifier (a model with a classification head) is exported");
        }
        Map<String, Tensor> all = new HashMap<>(loaded.encoder());
        all.putAll(loaded.head());
        BertOnnxExport e = new BertOnnxExport(loaded.config(), all, precision);
        e.build(loaded.labels().size());
        return e.model.model("tuneledger", precision.name().toLowerCase(), metadata);
    }

    private void build(int numLabels) {
        g.input("input_ids", OnnxGraph.INT64, "batch", "sequence");
        g.input("attention_mask", OnnxGraph.INT64, "batch", "sequence");
        g.input("token_type_ids", OnnxGraph.INT64, "batch", "sequence");
        String zero = g.longs("const_zero", new long[0], 0);
        String one = g.longs("const_one", new long[0], 1);

        // Embeddings: words + positions 0..length-1 + token types, then LayerNorm.
        String words = precision == Precision.FP32
                ? g.node("Gather", "embeddings/word", List.of(weight("embeddings.word_embeddings.weight"), "input_ids"))
                : quantizedEmbedding("embeddings.word_embeddings.weight", "input_ids");
        String shape = g.node("Shape", "embeddings/shape", List.of("input_ids"));
        length = g.node("Gather", "embeddings/length", List.of(shape, one));
        String range = g.node("Range", "embeddings/range", List.of(zero, length, one));
        String positions = g.node("Gather", "embeddings/position", List.of(
                weight("embeddings.position_embeddings.weight"), range));
        String types = g.node("Gather", "embeddings/type", List.of(weight("embeddings.token_type_embeddings.weight"),
                "token_type_ids"));
        String x = g.node("Add", "embeddings/add_position", List.of(words, positions));
        x = g.node("Add", "embeddings/add_type", List.of(x, types));
        x = layerNorm(x, "embeddings.LayerNorm");

        // Layers: fused self-attention (padding masked by attention_mask), the output projection added to its input
        // and normalised in one operator, GELU, the feed-forward output likewise.
        for (int i = 0; i < config.numLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            String context = attention(x, p + "attention.self.");
            x = skipLayerNorm(context, x, p + "attention.output.dense", p + "attention.output.LayerNorm");
            String inner = gelu(linear(x, p + "intermediate.dense"), p + "gelu");
            x = skipLayerNorm(inner, x, p + "output.dense", p + "output.LayerNorm");
        }

        String maskFloat = g.node("Cast", "mask/float", List.of("attention_mask"),
                OnnxGraph.Attribute.integer("to", OnnxGraph.FLOAT));
        String pooled = pool(x, maskFloat);
        String logits = g.node("MatMul", "classifier/matmul", List.of(pooled,
                transposed(BertWeights.CLASSIFIER_WEIGHT)));
        g.node("Add", "logits", List.of(logits, weight(BertWeights.CLASSIFIER_BIAS)));
        g.node("Softmax", "probabilities", List.of("logits"), OnnxGraph.Attribute.integer("axis", -1));
        g.output("logits", OnnxGraph.FLOAT, "batch", numLabels);
        g.output("probabilities", OnnxGraph.FLOAT, "batch", numLabels);
    }

    private String pool(String hidden, String maskFloat) {
        if (config.pooling() == Pooling.CLS) {
            return g.node("Gather", "pool/cls", List.of(hidden, g.longs("const_first", new long[0], 0)),
                    OnnxGraph.Attribute.integer("axis", 1));
        }
        String axis1 = g.longs("const_axis_1", new long[] {1}, 1);
        String m = g.node("Unsqueeze", "pool/mask", List.of(maskFloat, g.longs("const_axis_2", new long[] {1}, 2)));
        String sum = g.node("ReduceSum", "pool/sum", List.of(g.node("Mul", "pool/masked", List.of(hidden, m)), axis1),
                OnnxGraph.Attribute.integer("keepdims", 0));
        String count = g.node("ReduceSum", "pool/count", List.of(m, axis1), OnnxGraph.Attribute.integer("keepdims", 0));
        count = g.node("Max", "pool/count_min", List.of(count, scalar("const_epsilon", 1e-9f)));
        return g.node("Div", "pool/mean", List.of(sum, count));
    }

    /** {@code x} times the layer's weight (transposed to [in, out]) plus its bias, fp32 or int8. */
    private String linear(String x, String prefix) {
        return g.node("Add", prefix + "/add", List.of(product(x, prefix), weight(prefix + ".bias")));
    }

    /** {@code x} times the layer's weight (transposed to [in, out]), without the bias; fp32 or int8. */
    private String product(String x, String prefix) {
        if (precision == Precision.FP32) {
            return g.node("MatMul", prefix + "/matmul", List.of(x, transposed(prefix + ".weight")));
        }
        Int8Weight w = int8Weights.computeIfAbsent(prefix, p -> {
            Tensor t = weights.get(p + ".weight");
            return Int8Weight.write(g, p + ".weight", Int8Columns.of(t.data(), (int) t.shape()[0],
                    (int) t.shape()[1]), false);
        });
        return int8Product(x, w, prefix);
    }

    /** {@code x} quantized at run time times an int8 weight, scaled back to float. */
    private String int8Product(String x, Int8Weight w, String prefix) {
        List<String> xq = quantized(x);
        String integer = g.node("MatMulInteger", prefix + "/matmul_integer", List.of(xq.get(0), w.values(), xq.get(2),
                w.zeroPoint()));
        String asFloat = g.node("Cast", prefix + "/cast", List.of(integer),
                OnnxGraph.Attribute.integer("to", OnnxGraph.FLOAT));
        String scale = g.node("Mul", prefix + "/scale", List.of(xq.get(1), w.scales()));
        return g.node("Mul", prefix + "/dequantized", List.of(asFloat, scale));
    }

    /**
     * The run-time quantization of {@code x} (uint8 values, scale, zero point), made once per value and graph (a
     * branch makes its own).
     */
    private List<String> quantized(String x) {
        String scope = g == model ? "" : "/" + g.name();
        return quantized.computeIfAbsent(x, in -> g.nodes("DynamicQuantizeLinear", in + "/quantized" + scope,
                List.of(in), 3));
    }

    /**
     * An int8 weight [in, out] with one scale per output column, as initializers; its zero point is 0, one scalar or
     * (as {@code QAttention} takes it) one per column.
     */
    private record Int8Weight(String values, String scales, String zeroPoint) {

        static Int8Weight write(OnnxGraph g, String name, Int8Columns q, boolean zeroPerColumn) {
            int zeros = zeroPerColumn ? q.out() : 1;
            return new Int8Weight(
                    g.bytes(name + "_int8", OnnxGraph.INT8, new long[] {q.in(), q.out()}, q.values()),
                    g.floats(name + "_scale", new long[] {q.out()}, q.scales()),
                    g.bytes(name + "_zero_point", OnnxGraph.INT8, zeroPerColumn ? new long[] {zeros} : new long[0],
                            new byte[zeros]));
        }
    }

    /**
     * A Linear weight [out, in] as int8 [in, out] for an integer matrix product, symmetric, one scale per output
     * column (the largest magnitude of the column maps to 127).
     */
    private record Int8Columns(int in, int out, byte[] values, float[] scales) {

        static Int8Columns of(float[] weight, int out, int in) {
            byte[] rowMajor = new byte[in * out];
            float[] scales = new float[out];
            for (int o = 0; o < out; o++) {
                scales[o] = quantizeRow(weight, o * in, in, rowMajor);
            }
            byte[] q = new byte[in * out];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    q[i * out + o] = rowMajor[o * in + i];
                }
            }
            return new Int8Columns(in, out, q, scales);
        }
    }

    /**
     * An embedding table stored as int8 with one scale per row (per token), looked up and scaled back to float: the
     * word embeddings are most of a small encoder's bytes.
     */
    private String quantizedEmbedding(String name, String ids) {
        Tensor t = weights.get(name);
        int rows = (int) t.shape()[0];
        int cols = (int) t.shape()[1];
        byte[] q = new byte[rows * cols];
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            scales[r] = quantizeRow(t.data(), r * cols, cols, q);
        }
        String table = g.bytes(name + "_int8", OnnxGraph.INT8, new long[] {rows, cols}, q);
        String scale = g.floats(name + "_scale", new long[] {rows, 1}, scales);
        String looked = g.node("Gather", name + "/gather", List.of(table, ids));
        String asFloat = g.node("Cast", name + "/cast", List.of(looked),
                OnnxGraph.Attribute.integer("to", OnnxGraph.FLOAT));
        String rowScale = g.node("Gather", name + "/gather_scale", List.of(scale, ids));
        return g.node("Mul", name + "/dequantized", List.of(asFloat, rowScale));
    }

    /**
     * Symmetric int8 of {@code count} values from {@code offset}, into the same positions of {@code out}; answers the
     * scale (the largest magnitude maps to 127).
     */
    private static float quantizeRow(float[] values, int offset, int count, byte[] out) {
        float max = 0;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, Math.abs(values[offset + i]));
        }
        float s = max == 0 ? 1f : max / 127f;
        for (int i = 0; i < count; i++) {
            out[offset + i] = (byte) Math.max(-127, Math.min(127, Math.round(values[offset + i] / s)));
        }
        return s;
    }

    /** Exact GELU: x * 0.5 * (1 + erf(x / sqrt 2)), the pattern ONNX Runtime fuses into one operator. */
    private String gelu(String x, String name) {
        String scaled = g.node("Div", name + "/div", List.of(x, scalar("const_sqrt2", (float) Math.sqrt(2))));
        String erf = g.node("Erf", name + "/erf", List.of(scaled));
        String plus = g.node("Add", name + "/add", List.of(erf, scalar("const_float_one", 1f)));
        String times = g.node("Mul", name + "/mul", List.of(x, plus));
        return g.node("Mul", name + "/half", List.of(times, scalar("const_half", 0.5f)));
    }

    /** LayerNorm(dense(x) + residual): the product without its bias, which the fused operator adds. */
    private String skipLayerNorm(String x, String residual, String dense, String norm) {
        String product = product(x, dense);
        return g.microsoft("SkipLayerNormalization", norm, List.of(product, residual, weight(norm + ".weight"),
                weight(norm + ".bias"), weight(dense + ".bias")),
                OnnxGraph.Attribute.real("epsilon", config.layerNormEps()));
    }

    private String layerNorm(String x, String prefix) {
        return g.node("LayerNormalization", prefix, List.of(x, weight(prefix + ".weight"), weight(prefix + ".bias")),
                OnnxGraph.Attribute.integer("axis", -1), OnnxGraph.Attribute.real("epsilon", config.layerNormEps()));
    }

    /**
     * Self-attention of a layer ([batch, sequence, hidden]): tiled for a long unpadded batch, masked for any other
     * (see the class comment); both compute the same.
     */
    private String attention(String x, String prefix) {
        // Values both branches read are written in this graph, before the branches: a value written inside one
        // branch is not visible to the other nor to the next layer's.
        String tiled = longUnpadded();
        maskIndex();
        OnnxGraph unpadded = branch(prefix + "tiled", () -> tiledAttention(x, prefix));
        OnnxGraph padded = branch(prefix + "masked", () -> maskedAttention(x, prefix));
        return g.node("If", prefix + "attention", List.of(tiled), OnnxGraph.Attribute.graph("then_branch", unpadded),
                OnnxGraph.Attribute.graph("else_branch", padded));
    }

    /** A branch of an {@code If} whose nodes {@code body} writes; its output is the value {@code body} answers. */
    private OnnxGraph branch(String name, Supplier<String> body) {
        OnnxGraph outer = g;
        Map<String, List<String>> outerQuantized = new HashMap<>(quantized);
        g = outer.branch(name);
        quantized.clear();
        try {
            g.output(body.get(), OnnxGraph.FLOAT, "batch", "sequence", config.hiddenSize());
            return g;
        } finally {
            g = outer;
            quantized.clear();
            quantized.putAll(outerQuantized);
        }
    }

    /**
     * Attention in one ONNX Runtime operator: the query, key and value projections as one product with the packed
     * weights, the scaled scores with padding masked, softmax and the heads' context merged; in int8, the packed
     * projection is an integer product of the input quantized at run time, as the Linear layers' are.
     */
    private String maskedAttention(String x, String prefix) {
        var heads = OnnxGraph.Attribute.integer("num_heads", config.numHeads());
        String name = prefix + "attention/masked";
        if (precision == Precision.FP32) {
            return g.microsoft("Attention", name, List.of(x, packedQkv(prefix, "weight"), packedQkv(prefix, "bias"),
                    maskIndex()), heads);
        }
        List<String> xq = quantized(x);
        Int8Weight w = packedQkvInt8(prefix);
        return g.microsoft("QAttention", name, List.of(xq.get(0), w.values(), packedQkv(prefix, "bias"), xq.get(1),
                w.scales(), maskIndex(), xq.get(2), w.zeroPoint()), heads);
    }

    /**
     * Attention without a mask: the packed projection (the same weights as {@link #maskedAttention}'s) split into
     * query, key and value, then {@code MultiHeadAttention}, which adds their biases and computes in tiles.
     */
    private String tiledAttention(String x, String prefix) {
        String packed = precision == Precision.FP32
                ? g.node("MatMul", prefix + "qkv/matmul", List.of(x, packedQkv(prefix, "weight")))
                : int8Product(x, packedQkvInt8(prefix), prefix + "qkv");
        List<String> qkv = g.nodes("Split", prefix + "qkv/split", List.of(packed), 3,
                OnnxGraph.Attribute.integer("axis", 2));
        return g.microsoft("MultiHeadAttention", prefix + "attention/tiled", List.of(qkv.get(0), qkv.get(1),
                qkv.get(2), packedQkv(prefix, "bias")), OnnxGraph.Attribute.integer("num_heads", config.numHeads()));
    }

    private Int8Weight packedQkvInt8(String prefix) {
        return int8Weights.computeIfAbsent(prefix + "qkv", p -> Int8Weight.write(g, p + ".weight",
                Int8Columns.of(transposedBack(prefix), 3 * config.hiddenSize(), config.hiddenSize()), true));
    }

    /** True when the batch is at least {@link #TILED_MIN_LENGTH} tokens long and no text in it is padded. */
    private String longUnpadded() {
        return written.computeIfAbsent("mask/long_unpadded", n -> {
            String unpadded = g.node("Equal", "mask/unpadded", List.of(g.node("ReduceMin", "mask/min",
                    List.of("attention_mask"), OnnxGraph.Attribute.integer("keepdims", 0)),
                    g.longs("const_mask_one", new long[0], 1)));
            String tiledLength = g.node("GreaterOrEqual", "mask/tiled_length", List.of(length,
                    g.longs("const_tiled_min_length", new long[0], TILED_MIN_LENGTH)));
            return g.node("And", n, List.of(unpadded, tiledLength));
        });
    }

    /** query, key and value's [out, in] weights stacked as one [3 x out, in]. */
    private float[] transposedBack(String prefix) {
        float[] q = weights.get(prefix + "query.weight").data();
        float[] out = new float[3 * q.length];
        System.arraycopy(q, 0, out, 0, q.length);
        System.arraycopy(weights.get(prefix + "key.weight").data(), 0, out, q.length, q.length);
        System.arraycopy(weights.get(prefix + "value.weight").data(), 0, out, 2 * q.length, q.length);
        return out;
    }

    private String maskIndex() {
        return written.computeIfAbsent("mask/int32", n -> g.node("Cast", n, List.of("attention_mask"),
                OnnxGraph.Attribute.integer("to", OnnxGraph.INT32)));
    }

    /** query, key and value's weights side by side as one [in, 3 x out] matrix, or their biases as one [3 x out]. */
    private String packedQkv(String prefix, String kind) {
        return written.computeIfAbsent(prefix + "qkv." + kind, n -> {
            Tensor q = weights.get(prefix + "query." + kind);
            Tensor k = weights.get(prefix + "key." + kind);
            Tensor v = weights.get(prefix + "value." + kind);
            if (kind.equals("bias")) {
                int out = q.data().length;
                float[] b = new float[3 * out];
                System.arraycopy(q.data(), 0, b, 0, out);
                System.arraycopy(k.data(), 0, b, out, out);
                System.arraycopy(v.data(), 0, b, 2 * out, out);
                return g.floats(n, new long[] {3L * out}, b);
            }
            int out = (int) q.shape()[0];
            int in = (int) q.shape()[1];
            float[] w = new float[in * 3 * out];
            Tensor[] parts = {q, k, v};
            for (int part = 0; part < 3; part++) {
                float[] d = parts[part].data();
                for (int o = 0; o < out; o++) {
                    for (int c = 0; c < in; c++) {
                        w[c * 3 * out + part * out + o] = d[o * in + c];
                    }
                }
            }
            return g.floats(n, new long[] {in, 3L * out}, w);
        });
    }

    private final Map<String, String> written = new HashMap<>();

    /** A weight as an initializer under its Hugging Face name, written once. */
    private String weight(String name) {
        return written.computeIfAbsent(name, n -> {
            Tensor t = weights.get(n);
            if (t == null) {
                throw new IllegalStateException("No weight " + n);
            }
            return g.floats(n, t.shape(), t.data());
        });
    }

    /** A Linear weight [out, in] transposed to [in, out] for MatMul, written once. */
    private String transposed(String name) {
        return written.computeIfAbsent(name + "/transposed", n -> {
            Tensor t = weights.get(name).transpose2d(name + "_transposed");
            return g.floats(t.name(), t.shape(), t.data());
        });
    }

    private String scalar(String name, float value) {
        return written.computeIfAbsent(name, n -> g.floats(n, new long[0], new float[] {value}));
    }
}
