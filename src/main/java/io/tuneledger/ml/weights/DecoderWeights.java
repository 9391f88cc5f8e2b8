package io.tuneledger.ml.weights;

import io.tuneledger.ml.DecoderConfig;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A decoder's weights in a Hugging Face model directory: {@code config.json} with {@code model.safetensors}, or the
 * shards that {@code model.safetensors.index.json} lists. Names and layouts are Hugging Face's ({@code
 * model.layers.0.self_attn.q_proj.weight}, Linear weights [out, in]); every expected tensor must be there with its
 * shape, and a tensor the model would not use is an error rather than silently ignored.
 */
public final class DecoderWeights {

    public static final String CONFIG = "config.json";
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    public static final String EMBEDDINGS = "model.embed_tokens.weight";
    public static final String LM_HEAD = "lm_head.weight";

    private DecoderWeights() {
    }

    /** Every tensor the model reads, by Hugging Face name, with its shape. */
    public static Map<String, long[]> shapes(DecoderConfig c) {
        Map<String, long[]> out = new LinkedHashMap<>();
        long h = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        out.put(EMBEDDINGS, new long[] {c.vocabSize(), h});
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            out.put(p + "input_layernorm.weight", new long[] {h});
            linear(out, p + "self_attn.q_proj", q, h, c.qkvBias());
            linear(out, p + "self_attn.k_proj", kv, h, c.qkvBias());
            linear(out, p + "self_attn.v_proj", kv, h, c.qkvBias());
            linear(out, p + "self_attn.o_proj", h, q, c.outputBias());
            out.put(p + "post_attention_layernorm.weight", new long[] {h});
            linear(out, p + "mlp.gate_proj", c.intermediateSize(), h, c.mlpBias());
            linear(out, p + "mlp.up_proj", c.intermediateSize(), h, c.mlpBias());
            linear(out, p + "mlp.down_proj", h, c.intermediateSize(), c.mlpBias());
        }
        out.put("model.norm.weight", new long[] {h});
        if (!c.tieWordEmbeddings()) {
            out.put(LM_HEAD, new long[] {c.vocabSize(), h});
        }
        return out;
    }

    private static void linear(Map<String, long[]> out, String name, long rows, long cols, boolean bias) {
        out.put(name + ".weight", new long[] {rows, cols});
        if (bias) {
            out.put(name + ".bias", new long[] {rows});
        }
    }

    /** The weight files of a model directory, in the order they are read: the single file or the index's shards. */
    public static List<Path> files(Path dir) throws IOException {
        Path index = dir.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            JsonObject json;
            try (Reader in = Files.newBufferedReader(index); JsonReader reader = Json.createReader(in)) {
                json = reader.readObject();
            } catch (JsonException | ClassCastException e) {
                throw new WeightsException(index + " is not a JSON object");
            }
            if (!json.containsKey("weight_map")) {
                throw new WeightsException(index + " has no weight_map");
            }
            Set<String> shards = new TreeSet<>();
            for (JsonValue v : json.getJsonObject("weight_map").values()) {
                shards.add(((jakarta.json.JsonString) v).getString());
            }
            List<Path> out = new ArrayList<>();
            for (String s : shards) {
                Path shard = dir.resolve(s).normalize();
                if (!shard.getParent().equals(dir.normalize())) {
                    throw new WeightsException(index + " names a shard outside the directory: " + s);
                }
                if (!Files.isRegularFile(shard)) {
                    throw new WeightsException(index + " names " + s + ", which is not in " + dir);
                }
                out.add(shard);
            }
            return out;
        }
        Path single = dir.resolve(SINGLE);
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        throw new WeightsException(dir + " holds neither " + SINGLE + " nor " + INDEX
                + " (Hugging Face safetensors weights; .bin/.pt pickles are not read)");
    }

    /**
     * Checks the weight files' headers against {@code config} without reading any tensor data: fails, naming them,
     * when a tensor is missing, has the wrong shape, appears twice or is not one the model uses. A tied model's file
     * may carry {@code lm_head.weight} as a copy of the embeddings: it is allowed (and not loaded).
     */
    public static void check(Path dir, DecoderConfig config) throws IOException {
        Map<String, long[]> expected = shapes(config);
        Set<String> missing = new LinkedHashSet<>(expected.keySet());
        List<String> unexpected = new ArrayList<>();
        for (Path file : files(dir)) {
            for (Map.Entry<String, long[]> e : SafeTensors.shapes(file).entrySet()) {
                String name = e.getKey();
                long[] shape = expected.get(name);
                if (shape == null) {
                    if (!skipped(config, name)) {
                        unexpected.add(name);
                    }
                } else if (!Arrays.equals(shape, e.getValue())) {
                    throw new WeightsException(file.getFileName() + ": " + name + " has shape "
                            + Arrays.toString(e.getValue()) + ", the config implies " + Arrays.toString(shape));
                } else if (!missing.remove(name)) {
                    throw new WeightsException(file.getFileName() + ": " + name + " appears twice");
                }
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new WeightsException(dir + ": the weights do not match config.json" + (missing.isEmpty() ? ""
                    : "; missing " + first(missing)) + (unexpected.isEmpty() ? "" : "; not used by a "
                    + config.modelType() + " model: " + first(unexpected)));
        }
    }

    /** A tensor a file may hold that the model does not read: a tied model's copy of the embeddings. */
    static boolean skipped(DecoderConfig config, String name) {
        return config.tieWordEmbeddings() && name.equals(LM_HEAD);
    }

    /**
     * Reads the weights one tensor at a time into {@code sink}, after {@link #check checking} every name and shape
     * from the files' headers, so a mismatch is found before gigabytes are read.
     */
    public static void load(Path dir, DecoderConfig config, SafeTensors.TensorSink sink) throws IOException {
        check(dir, config);
        for (Path file : files(dir)) {
            SafeTensors.forEach(file, t -> {
                if (!skipped(config, t.name())) {
                    sink.accept(t);
                }
            });
        }
    }

    private static String first(java.util.Collection<String> names) {
        List<String> list = new ArrayList<>(names);
        return list.size() <= 5 ? list.toString() : list.subList(0, 5) + " and " + (list.size() - 5) + " more";
    }
}
