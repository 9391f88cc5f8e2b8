package io.tuneledger.ml.weights;

import io.tuneledger.ml.DecoderConfig;
import io.tuneledger.ml.EncoderConfig;
import io.tuneledger.ml.TrainingConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The low-rank adapters of a BERT encoder (LoRA) under the encoder's Hugging Face names: for an adapted Linear layer
 * {@code encoder.layer.N.attention.self.query} (weight [out, in]) the adapter is {@code ...query.lora_A.weight}
 * [r, in] and {@code ...query.lora_B.weight} [out, r], and the layer's weight with the adapter merged in is
 * {@code W + (alpha / r) B A}. PEFT's file names the same tensors {@code base_model.model.bert.<name>} and the head,
 * which trains with the adapters, {@code base_model.model.classifier.*}. A decoder's adapters follow the same rule on
 * its projections ({@code model.layers.N.self_attn.q_proj.lora_A.weight}).
 */
public final class LoraWeights {

    public static final String A = ".lora_A.weight";
    public static final String B = ".lora_B.weight";
    /** The prefix PEFT gives the adapted encoder's tensors in {@code adapter_model.safetensors}. */
    public static final String PEFT_ENCODER_PREFIX = "base_model.model.bert.";
    /** The prefix PEFT gives a module saved whole ({@code modules_to_save}: the head). */
    public static final String PEFT_MODULE_PREFIX = "base_model.model.";

    private LoraWeights() {
    }

    /** The Linear layers of encoder layer {@code layer} a target names ({@code dense}: three of them). */
    public static List<String> layers(int layer, String target) {
        String p = "encoder.layer." + layer + ".";
        return switch (target) {
            case "query", "key", "value" -> List.of(p + "attention.self." + target);
            case "dense" -> List.of(p + "attention.output.dense", p + "intermediate.dense", p + "output.dense");
            default -> throw new IllegalArgumentException("No LoRA target " + target);
        };
    }

    /** The adapters' names and shapes, in a stable order. */
    public static Map<String, long[]> shapes(EncoderConfig config, TrainingConfig.Lora lora) {
        Map<String, long[]> encoder = BertWeights.encoderShapes(config);
        Map<String, long[]> out = new LinkedHashMap<>();
        for (int i = 0; i < config.numLayers(); i++) {
            for (String target : lora.targets()) {
                for (String layer : layers(i, target)) {
                    long[] w = encoder.get(layer + ".weight");
                    out.put(layer + A, new long[] {lora.rank(), w[1]});
                    out.put(layer + B, new long[] {w[0], lora.rank()});
                }
            }
        }
        return out;
    }

    /**
     * The projection of a decoder layer a target names, by module name, with the encoder's names as aliases ({@code
     * query}, {@code key}, {@code value}: so {@code lora.targets}' default, query and value, is PEFT's default for
     * these models, q_proj and v_proj).
     */
    public static String decoderModule(String target) {
        return switch (target) {
            case "query", "q_proj" -> "self_attn.q_proj";
            case "key", "k_proj" -> "self_attn.k_proj";
            case "value", "v_proj" -> "self_attn.v_proj";
            case "o_proj" -> "self_attn.o_proj";
            case "gate_proj", "up_proj", "down_proj" -> "mlp." + target;
            default -> throw new IllegalArgumentException("lora.targets: '" + target + "' is not a projection of a "
                    + "decoder; use q_proj (query), k_proj (key), v_proj (value), o_proj, gate_proj, up_proj, "
                    + "down_proj");
        };
    }

    /** A decoder's adapters' names and shapes, in a stable order. */
    public static Map<String, long[]> shapes(DecoderConfig config, TrainingConfig.Lora lora) {
        Map<String, long[]> base = DecoderWeights.shapes(config);
        Map<String, long[]> out = new LinkedHashMap<>();
        for (int i = 0; i < config.numLayers(); i++) {
            for (String target : lora.targets()) {
                String layer = "model.layers." + i + "." + decoderModule(target);
                long[] w = base.get(layer + ".weight");
                out.put(layer + A, new long[] {lora.rank(), w[1]});
                out.put(layer + B, new long[] {w[0], lora.rank()});
            }
        }
        return out;
    }

    /**
     * New adapters as PEFT initialises them: A Kaiming-uniform (a = sqrt 5), i.e. uniform within +-1/sqrt(in), drawn
     * from {@code seed} in the order of {@code shapes}; B zero, so the adapted model starts as the base model.
     */
    public static Map<String, Tensor> initial(Map<String, long[]> shapes, long seed) {
        Random random = new Random(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long[] shape = e.getValue();
            float[] values = new float[Math.toIntExact(shape[0] * shape[1])];
            if (e.getKey().endsWith(A)) {
                double bound = 1.0 / Math.sqrt(shape[1]);
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
            }
            out.put(e.getKey(), new Tensor(e.getKey(), shape, values));
        }
        return out;
    }

    /** The encoder's weights with every adapter merged in ({@code W + (alpha / r) B A}); the rest unchanged. */
    public static Map<String, Tensor> merge(Map<String, Tensor> encoder, Map<String, Tensor> adapters,
            TrainingConfig.Lora lora) {
        Map<String, Tensor> out = new LinkedHashMap<>(encoder);
        float scale = lora.scale();
        for (Map.Entry<String, Tensor> e : adapters.entrySet()) {
            if (!e.getKey().endsWith(A)) {
                continue;
            }
            String layer = e.getKey().substring(0, e.getKey().length() - A.length());
            Tensor a = e.getValue();
            Tensor b = adapters.get(layer + B);
            Tensor w = encoder.get(layer + ".weight");
            int rows = (int) w.shape()[0];
            int cols = (int) w.shape()[1];
            int r = (int) a.shape()[0];
            float[] merged = w.data().clone();
            for (int i = 0; i < rows; i++) {
                for (int k = 0; k < r; k++) {
                    float bik = b.data()[i * r + k] * scale;
                    if (bik == 0) {
                        continue;
                    }
                    int aRow = k * cols;
                    int mRow = i * cols;
                    for (int j = 0; j < cols; j++) {
                        merged[mRow + j] += bik * a.data()[aRow + j];
                    }
                }
            }
            out.put(w.name(), new Tensor(w.name(), w.shape(), merged));
        }
        return out;
    }
}
