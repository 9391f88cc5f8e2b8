package io.tuneledger.ml.weights;

import io.tuneledger.ml.EncoderConfig;
import io.tuneledger.ml.TrainingConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The low-rank adapters of a BERT encoder (LoRA) under the encoder's Hugging Face names: for an adapted Linear layer
 * {@code encoder.layer.N.attention.self.query} (weight [out, in]) the adapter is {@code ...query.lora_A.weight}
 * [r, in] and {@code ...query.lora_B.weight} [out, r], and the layer's weight with the adapter merged in is
 * {@code W + (alpha / r) B A}. PEFT's file names the same tensors {@code base_model.model.bert.<name>} and the head,
 * which trains with the adapters, {@code base_model.model.classifier.*}.
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
