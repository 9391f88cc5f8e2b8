package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The shape of a decoder language model as its Hugging Face {@code config.json} gives it, for the Llama and Qwen2
 * families: RMSNorm, rotary position embeddings (rotate-half form; base {@code rope_theta}, optional linear or llama3
 * scaling), grouped-query attention, a SwiGLU feed-forward block, output embeddings tied to the input embeddings or
 * not. What the model cannot compute (another architecture, activation or rope scaling) is refused here, by name,
 * before any weight is read.
 *
 * @param modelType {@code llama} or {@code qwen2}
 * @param headDim the size of one attention head: {@code head_dim} when the config gives it, else hidden / heads
 * @param qkvBias whether q, k and v projections have a bias (always for Qwen2, {@code attention_bias} for Llama)
 * @param outputBias whether the attention's output projection has a bias ({@code attention_bias} for Llama)
 * @param mlpBias whether the feed-forward projections have a bias ({@code mlp_bias})
 * @param eosTokenIds the end-of-sequence ids ({@code eos_token_id}, a number or a list; empty when not given)
 * @param torchDtype the dtype the weights were saved in, as the config names it ({@code bfloat16}, say)
 */
public record DecoderConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
        int numHeads, int numKvHeads, int headDim, float rmsNormEps, double ropeTheta, RopeScaling ropeScaling,
        int maxPositions, boolean tieWordEmbeddings, boolean qkvBias, boolean outputBias, boolean mlpBias,
        int bosTokenId, List<Integer> eosTokenIds, String torchDtype) {

    private static final Set<String> TYPES = Set.of("llama", "qwen2");

    /**
     * How rotary frequencies are rescaled for contexts longer than the model was trained on.
     *
     * @param type {@code linear} or {@code llama3}
     * @param lowFreqFactor llama3 only
     * @param highFreqFactor llama3 only
     * @param originalMaxPositions llama3 only: the context the frequencies were first trained for
     */
    public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
            int originalMaxPositions) {
    }

    public DecoderConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        if (numKvHeads < 1 || numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numHeads
                    + ") must be a multiple of num_key_value_heads (" + numKvHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("The attention head size must be even for rotary embeddings, not "
                    + headDim);
        }
    }

    /** Reads {@code config.json}; an {@link IOException} names what is missing or not supported. */
    public static DecoderConfig read(Path file) throws IOException {
        JsonObject json;
        try (Reader in = Files.newBufferedReader(file); JsonReader reader = Json.createReader(in)) {
            json = reader.readObject();
        } catch (JsonException | ClassCastException e) {
            throw new IOException(file + " is not a JSON object: " + e.getMessage(), e);
        }
        try {
            return parse(json);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The configuration from a parsed {@code config.json}. */
    public static DecoderConfig parse(JsonObject json) {
        String type = json.getString("model_type", "");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("model_type '" + type + "' is not supported; supported: "
                    + TYPES.stream().sorted().toList() + " (Llama and Qwen2 families)");
        }
        String act = json.getString("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new IllegalArgumentException("hidden_act '" + act + "' is not supported; only silu (SwiGLU)");
        }
        int hidden = positive(json, "hidden_size");
        int heads = positive(json, "num_attention_heads");
        int kvHeads = json.containsKey("num_key_value_heads") && !json.isNull("num_key_value_heads")
                ? positive(json, "num_key_value_heads") : heads;
        int headDim = json.containsKey("head_dim") && !json.isNull("head_dim") ? positive(json, "head_dim")
                : hidden / heads;
        if (!json.containsKey("head_dim") && hidden % heads != 0) {
            throw new IllegalArgumentException("hidden_size " + hidden + " is not a multiple of num_attention_heads "
                    + heads + " and head_dim is not given");
        }
        boolean attentionBias = json.getBoolean("attention_bias", false);
        boolean qwen = type.equals("qwen2");
        if (qwen && json.getBoolean("use_sliding_window", false)) {
            throw new IllegalArgumentException("use_sliding_window is not supported");
        }
        return new DecoderConfig(type, positive(json, "vocab_size"), hidden, positive(json, "intermediate_size"),
                positive(json, "num_hidden_layers"), heads, kvHeads, headDim,
                (float) number(json, "rms_norm_eps", 1e-6), number(json, "rope_theta", 10000.0), scaling(json),
                json.containsKey("max_position_embeddings") ? positive(json, "max_position_embeddings") : 2048,
                json.getBoolean("tie_word_embeddings", qwen), qwen || attentionBias, !qwen && attentionBias,
                json.getBoolean("mlp_bias", false), tokenIds(json, "bos_token_id").stream().findFirst().orElse(-1),
                tokenIds(json, "eos_token_id"), json.getString("torch_dtype", "float32"));
    }

    private static RopeScaling scaling(JsonObject json) {
        if (!json.containsKey("rope_scaling") || json.isNull("rope_scaling")) {
            return null;
        }
        JsonObject s = json.getJsonObject("rope_scaling");
        String type = s.getString("rope_type", s.getString("type", ""));
        double factor = number(s, "factor", 1.0);
        switch (type) {
            case "default":
                return null;
            case "linear":
                return new RopeScaling(type, factor, 0, 0, 0);
            case "llama3":
                return new RopeScaling(type, factor, number(s, "low_freq_factor", 1.0),
                        number(s, "high_freq_factor", 4.0), positive(s, "original_max_position_embeddings"));
            default:
                throw new IllegalArgumentException("rope_scaling type '" + type
                        + "' is not supported; supported: linear, llama3");
        }
    }

    /**
     * The rotary inverse frequencies, one per pair of head dimensions: {@code 1 / theta^(2i / headDim)}, rescaled as
     * {@link #ropeScaling()} says (linear: all divided by the factor; llama3: long wavelengths divided by the factor,
     * short ones kept, the band between blended).
     */
    public float[] inverseFrequencies() {
        int half = headDim / 2;
        float[] out = new float[half];
        for (int i = 0; i < half; i++) {
            // As PyTorch computes it: the exponent and the power in float32.
            float exponent = (float) (2 * i) / headDim;
            float inv = 1f / (float) Math.pow((float) ropeTheta, exponent);
            out[i] = ropeScaling == null ? inv : scaled(inv);
        }
        return out;
    }

    private float scaled(float inv) {
        RopeScaling s = ropeScaling;
        if (s.type().equals("linear")) {
            return (float) (inv / s.factor());
        }
        double lowWavelen = s.originalMaxPositions() / s.lowFreqFactor();
        double highWavelen = s.originalMaxPositions() / s.highFreqFactor();
        double wavelen = 2 * Math.PI / inv;
        if (wavelen < highWavelen) {
            return inv;
        }
        if (wavelen > lowWavelen) {
            return (float) (inv / s.factor());
        }
        double smooth = (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                / (s.highFreqFactor() - s.lowFreqFactor());
        return (float) ((1 - smooth) * inv / s.factor() + smooth * inv);
    }

    /** Key/value heads share one query group of this many heads. */
    public int groupSize() {
        return numHeads / numKvHeads;
    }

    private static int positive(JsonObject json, String key) {
        if (!json.containsKey(key) || json.isNull(key)) {
            throw new IllegalArgumentException(key + " is missing");
        }
        JsonValue v = json.get(key);
        if (!(v instanceof JsonNumber n) || !n.isIntegral() || n.longValue() < 1 || n.longValue() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " must be a positive whole number, not " + v);
        }
        return n.intValue();
    }

    private static double number(JsonObject json, String key, double otherwise) {
        if (!json.containsKey(key) || json.isNull(key)) {
            return otherwise;
        }
        if (!(json.get(key) instanceof JsonNumber n)) {
            throw new IllegalArgumentException(key + " must be a number, not " + json.get(key));
        }
        return n.doubleValue();
    }

    private static List<Integer> tokenIds(JsonObject json, String key) {
        List<Integer> out = new ArrayList<>();
        if (!json.containsKey(key) || json.isNull(key)) {
            return out;
        }
        JsonValue v = json.get(key);
        if (v instanceof JsonNumber n) {
            out.add(n.intValue());
        } else if (v.getValueType() == JsonValue.ValueType.ARRAY) {
            v.asJsonArray().forEach(e -> out.add(((JsonNumber) e).intValue()));
        } else {
            throw new IllegalArgumentException(key + " must be a token id or a list of them, not " + v);
        }
        return out;
    }
}
