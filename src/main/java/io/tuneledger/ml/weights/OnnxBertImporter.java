package io.tuneledger.ml.weights;

import io.tuneledger.ml.EncoderConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports a BERT encoder's weights from an ONNX export (as shipped in the base models' Maven jars) under Hugging Face
 * names. Named initializers ({@code encoder.layer.0.attention.self.query.bias}) are taken as they are; a Linear
 * weight is an anonymous {@code onnx::MatMul_N} stored [in, out], named after the MatMul node that consumes it
 * ({@code /encoder/layer.0/attention/self/query/MatMul}) and transposed to [out, in].
 */
public final class OnnxBertImporter {

    /** A MatMul node of the encoder, possibly under an export prefix such as /0/auto_model. */
    private static final Pattern MATMUL_NODE = Pattern.compile(".*?/((?:embeddings|encoder)/.+)/MatMul(?:_\\d+)?$");
    /** Initializer names that are model parameters (possibly under a prefix such as 0.auto_model.). */
    private static final Pattern PARAMETER = Pattern.compile("^(?:.*?\\.)??((?:embeddings|encoder|pooler)\\..+)$");

    private OnnxBertImporter() {
    }

    /** Reads the encoder's weights from a serialized ONNX model and checks them against {@code config}. */
    public static Map<String, Tensor> importEncoder(ByteBuffer onnx, EncoderConfig config, String source)
            throws IOException {
        OnnxInitializers model = OnnxInitializers.parse(onnx);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Tensor t : model.initializers().values()) {
            String hfName = hfName(model, t);
            if (hfName == null) {
                continue;
            }
            Tensor previous = weights.put(hfName, hfName.endsWith(".weight") && t.name().startsWith("onnx::MatMul")
                    ? t.transpose2d(hfName) : t.renamed(hfName));
            if (previous != null) {
                throw new WeightsException("Weights from " + source + " hold two tensors for " + hfName);
            }
        }
        weights.keySet().removeIf(name -> name.startsWith("pooler."));
        BertWeights.check(weights, BertWeights.encoderShapes(config), source);
        return weights;
    }

    /** The Hugging Face name of an initializer, or null when it is not a model parameter (a constant). */
    private static String hfName(OnnxInitializers model, Tensor t) {
        if (t.name().startsWith("onnx::MatMul")) {
            List<OnnxInitializers.Node> consumers = model.consumersOf(t.name());
            for (OnnxInitializers.Node node : consumers) {
                Matcher m = MATMUL_NODE.matcher(node.name());
                if ("MatMul".equals(node.opType()) && m.matches()) {
                    return m.group(1).replace('/', '.') + ".weight";
                }
            }
            return null;
        }
        Matcher m = PARAMETER.matcher(t.name());
        return m.matches() ? m.group(1) : null;
    }
}
