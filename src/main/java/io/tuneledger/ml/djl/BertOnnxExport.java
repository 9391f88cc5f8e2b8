package io.tuneledger.ml.djl;

import io.tuneledger.ml.EncoderConfig;
import io.tuneledger.ml.Pooling;
import io.tuneledger.ml.weights.BertWeights;
import io.tuneledger.ml.weights.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A saved BERT classifier ({@link ModelArtifact}) as an ONNX graph of standard operators (opset 17), computing what
 * the model core computes: embeddings, post-LayerNorm layers with exact (erf) GELU and an additive attention mask,
 * the model's pooling, the classification head. Inputs {@code input_ids}, {@code attention_mask},
 * {@code token_type_ids} (int64 [batch, sequence]); outputs {@code logits} and {@code probabilities} (softmax)
 * [batch, labels].
 *
 * <p>In {@link Precision#INT8} the encoder's Linear weights are stored as int8, symmetric, with one scale per output
 * column (the largest magnitude of the column maps to 127), and each Linear layer quantizes its input at run time
 * ({@code DynamicQuantizeLinear}, uint8 with its own scale and zero point per call) before an integer matrix product
 * ({@code MatMulInteger}) that is scaled back to float: ONNX Runtime's dynamic quantization, written directly. The word
 * embeddings are stored as int8 with one scale per token. Position and type embeddings, attention products,
 * LayerNorm and the head stay fp32.
 */
public final class BertOnnxExport {

    /** The precision of the encoder's Linear layers. */
    public enum Precision {
        FP32, INT8
    }

    /** Additive mask for padding positions, as the model core uses. */
    private static final float MASKED = -1e9f;

    private final OnnxGraph g;
    private final EncoderConfig config;
    private final Map<String, Tensor> weights;
    private final Precision precision;
    /** Run-time quantizations of a Linear layer's input, shared by the layers reading the same value (q, k, v). */
    private final Map<String, List<String>> quantized = new HashMap<>();

    private BertOnnxExport(EncoderConfig config, Map<String, Tensor> weights, Precision precision) {
        this.g = new OnnxGraph("tuneledger-bert-classifier");
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
        return e.g.model("tuneledger", precision.name().toLowerCase(), metadata);
    }

    private void build(int numLabels) {
        int h = config.hiddenSize();
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
        String length = g.node("Gather", "embeddings/length", List.of(shape, one));
        String range = g.node("Range", "embeddings/range", List.of(zero, length, one));
        String positions = g.node("Gather", "embeddings/position", List.of(
                weight("embeddings.position_embeddings.weight"), range));
        String types = g.node("Gather", "embeddings/type", List.of(weight("embeddings.token_type_embeddings.weight"),
                "token_type_ids"));
        String x = g.node("Add", "embeddings/add_position", List.of(words, positions));
        x = g.node("Add", "embeddings/add_type", List.of(x, types));
        x = layerNorm(x, "embeddings.LayerNorm");

        // Attention mask: 0 for tokens, MASKED for padding, [batch, 1, 1, sequence].
        String maskFloat = g.node("Cast", "mask/float", List.of("attention_mask"),
                OnnxGraph.Attribute.integer("to", OnnxGraph.FLOAT));
        String maskMinusOne = g.node("Sub", "mask/minus_one", List.of(maskFloat, scalar("const_float_one", 1f)));
        String additive = g.node("Mul", "mask/additive", List.of(maskMinusOne, scalar("const_masked", -MASKED)));
        String mask = g.node("Unsqueeze", "mask/unsqueeze", List.of(additive,
                g.longs("const_axes_1_2", new long[] {2}, 1, 2)));

        String headShape = g.longs("const_head_shape", new long[] {4}, 0, 0, config.numHeads(), config.headSize());
        String mergedShape = g.longs("const_merged_shape", new long[] {3}, 0, 0, h);
        String scale = scalar("const_attention_scale", (float) (1.0 / Math.sqrt(config.headSize())));
        for (int i = 0; i < config.numLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            String q = heads(linear(x, p + "attention.self.query"), headShape, p + "query", 0, 2, 1, 3);
            String kT = heads(linear(x, p + "attention.self.key"), headShape, p + "key", 0, 2, 3, 1);
            String v = heads(linear(x, p + "attention.self.value"), headShape, p + "value", 0, 2, 1, 3);
            String scores = g.node("MatMul", p + "scores", List.of(q, kT));
            scores = g.node("Mul", p + "scores_scaled", List.of(scores, scale));
            scores = g.node("Add", p + "scores_masked", List.of(scores, mask));
            String probs = g.node("Softmax", p + "attention_probs", List.of(scores),
                    OnnxGraph.Attribute.integer("axis", -1));
            String context = g.node("MatMul", p + "context", List.of(probs, v));
            context = g.node("Transpose", p + "context_transposed", List.of(context),
                    OnnxGraph.Attribute.integers("perm", 0, 2, 1, 3));
            context = g.node("Reshape", p + "context_merged", List.of(context, mergedShape));
            String attention = linear(context, p + "attention.output.dense");
            x = layerNorm(g.node("Add", p + "attention_residual", List.of(attention, x)),
                    p + "attention.output.LayerNorm");
            String inner = gelu(linear(x, p + "intermediate.dense"), p + "gelu");
            String out = linear(inner, p + "output.dense");
            x = layerNorm(g.node("Add", p + "output_residual", List.of(out, x)), p + "output.LayerNorm");
        }

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
        String bias = weight(prefix + ".bias");
        if (precision == Precision.FP32) {
            String product = g.node("MatMul", prefix + "/matmul", List.of(x, transposed(prefix + ".weight")));
            return g.node("Add", prefix + "/add", List.of(product, bias));
        }
        List<String> xq = quantized.computeIfAbsent(x, in -> g.nodes("DynamicQuantizeLinear", in + "/quantized",
                List.of(in), 3));
        Tensor w = weights.get(prefix + ".weight");
        int out = (int) w.shape()[0];
        int in = (int) w.shape()[1];
        // a row of the [out, in] weight is an output column: quantized per row, then stored [in, out] for MatMulInteger
        byte[] rowMajor = new byte[in * out];
        float[] scales = new float[out];
        for (int o = 0; o < out; o++) {
            scales[o] = quantizeRow(w.data(), o * in, in, rowMajor);
        }
        byte[] q = new byte[in * out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                q[i * out + o] = rowMajor[o * in + i];
            }
        }
        String weightQ = g.bytes(prefix + ".weight_int8", OnnxGraph.INT8, new long[] {in, out}, q);
        String weightScale = g.floats(prefix + ".weight_scale", new long[] {out}, scales);
        String weightZero = g.bytes(prefix + ".weight_zero_point", OnnxGraph.INT8, new long[0], new byte[1]);
        String integer = g.node("MatMulInteger", prefix + "/matmul_integer", List.of(xq.get(0), weightQ, xq.get(2),
                weightZero));
        String asFloat = g.node("Cast", prefix + "/cast", List.of(integer),
                OnnxGraph.Attribute.integer("to", OnnxGraph.FLOAT));
        String scale = g.node("Mul", prefix + "/scale", List.of(xq.get(1), weightScale));
        String product = g.node("Mul", prefix + "/dequantized", List.of(asFloat, scale));
        return g.node("Add", prefix + "/add", List.of(product, bias));
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

    /** [batch, sequence, hidden] as [batch, heads, ...] in the order {@code perm} gives. */
    private String heads(String x, String headShape, String name, long... perm) {
        String split = g.node("Reshape", name + "/split_heads", List.of(x, headShape));
        return g.node("Transpose", name + "/transposed", List.of(split), OnnxGraph.Attribute.integers("perm", perm));
    }

    /** Exact GELU: x * 0.5 * (1 + erf(x / sqrt 2)), the pattern ONNX Runtime fuses into one operator. */
    private String gelu(String x, String name) {
        String scaled = g.node("Div", name + "/div", List.of(x, scalar("const_sqrt2", (float) Math.sqrt(2))));
        String erf = g.node("Erf", name + "/erf", List.of(scaled));
        String plus = g.node("Add", name + "/add", List.of(erf, scalar("const_float_one", 1f)));
        String times = g.node("Mul", name + "/mul", List.of(x, plus));
        return g.node("Mul", name + "/half", List.of(times, scalar("const_half", 0.5f)));
    }

    private String layerNorm(String x, String prefix) {
        return g.node("LayerNormalization", prefix, List.of(x, weight(prefix + ".weight"), weight(prefix + ".bias")),
                OnnxGraph.Attribute.integer("axis", -1), OnnxGraph.Attribute.real("epsilon", config.layerNormEps()));
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
