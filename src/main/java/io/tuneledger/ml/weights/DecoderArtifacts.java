package io.tuneledger.ml.weights;

import io.tuneledger.ml.DecoderConfig;
import io.tuneledger.ml.TrainingConfig;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A fine-tuned decoder's outputs in Hugging Face's layouts, so they load in PEFT and transformers as they are: the
 * adapters as PEFT saves them ({@code adapter_config.json} with task type CAUSAL_LM, and {@code
 * adapter_model.safetensors} naming each tensor {@code base_model.model.<name>}), and the merged model (the base's
 * {@code config.json} and tokenizer files, {@code model.safetensors} in float32 with every adapter merged in).
 */
public final class DecoderArtifacts {

    public static final String ADAPTER_CONFIG = "adapter_config.json";
    public static final String ADAPTER_WEIGHTS = "adapter_model.safetensors";
    /** Files of the base model directory that a merged model keeps as they are. */
    static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "generation_config.json");

    private DecoderArtifacts() {
    }

    /** Writes PEFT's adapter files for adapters trained on the model in {@code baseDir}. */
    public static void saveAdapter(Path dir, Path baseDir, TrainingConfig.Lora lora, Map<String, Tensor> adapters)
            throws IOException {
        requireEmpty(dir);
        Set<String> modules = new LinkedHashSet<>();
        for (String target : lora.targets()) {
            String module = LoraWeights.decoderModule(target);
            modules.add(module.substring(module.indexOf('.') + 1));
        }
        JsonObjectBuilder config = Json.createObjectBuilder()
                .add("peft_type", "LORA")
                .add("task_type", "CAUSAL_LM")
                .add("base_model_name_or_path", baseDir.toAbsolutePath().normalize().toString())
                .add("r", lora.rank())
                .add("lora_alpha", lora.alpha())
                .add("lora_dropout", lora.dropout())
                .add("target_modules", Json.createArrayBuilder(List.copyOf(modules)))
                .add("bias", "none")
                .add("fan_in_fan_out", false)
                .add("inference_mode", true)
                .add("init_lora_weights", true)
                .add("modules_to_save", JsonValue.NULL);
        Map<String, Tensor> peft = new LinkedHashMap<>();
        adapters.forEach((name, t) -> peft.put(LoraWeights.PEFT_MODULE_PREFIX + name,
                t.renamed(LoraWeights.PEFT_MODULE_PREFIX + name)));
        SafeTensors.write(dir.resolve(ADAPTER_WEIGHTS), peft, Map.of("format", "pt"));
        Files.writeString(dir.resolve(ADAPTER_CONFIG), config.build().toString());
    }

    /** The adapters of a PEFT directory under the model's own names, and its settings. */
    public record Adapter(TrainingConfig.Lora lora, Map<String, Tensor> tensors) {
    }

    /** Reads what {@link #saveAdapter} wrote (or PEFT wrote for a Llama or Qwen2 model). */
    public static Adapter readAdapter(Path dir) throws IOException {
        JsonObject config;
        try (Reader in = Files.newBufferedReader(dir.resolve(ADAPTER_CONFIG)); JsonReader r = Json.createReader(in)) {
            config = r.readObject();
        }
        if (!"LORA".equals(config.getString("peft_type", ""))) {
            throw new WeightsException(dir + ": not a LoRA adapter (peft_type " + config.get("peft_type") + ")");
        }
        List<String> targets = config.getJsonArray("target_modules").getValuesAs(jakarta.json.JsonString.class)
                .stream().map(jakarta.json.JsonString::getString).toList();
        TrainingConfig.Lora lora = new TrainingConfig.Lora(config.getInt("r"),
                (float) config.getJsonNumber("lora_alpha").doubleValue(),
                (float) config.getJsonNumber("lora_dropout").doubleValue(), targets);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Tensor t : SafeTensors.read(dir.resolve(ADAPTER_WEIGHTS)).tensors().values()) {
            if (!t.name().startsWith(LoraWeights.PEFT_MODULE_PREFIX)) {
                throw new WeightsException(dir + ": " + t.name() + " is not a PEFT adapter tensor");
            }
            String name = t.name().substring(LoraWeights.PEFT_MODULE_PREFIX.length());
            tensors.put(name, t.renamed(name));
        }
        return new Adapter(lora, tensors);
    }

    /**
     * Writes the base model in {@code baseDir} with {@code adapters} merged in ({@code W + (alpha / r) B A}) as a
     * model directory of its own: config.json (dtype float32), the weights in float32 (one file per file of the base,
     * with model.safetensors.index.json when the base is sharded, so that only one shard is in memory at a time), and
     * the base's tokenizer files.
     */
    public static void saveMerged(Path dir, Path baseDir, TrainingConfig.Lora lora, Map<String, Tensor> adapters)
            throws IOException {
        requireEmpty(dir);
        DecoderConfig config = DecoderConfig.read(baseDir.resolve(DecoderWeights.CONFIG));
        // Every name and shape checked, from the files' headers, before anything is written.
        DecoderWeights.check(baseDir, config);
        List<Path> files = DecoderWeights.files(baseDir);
        JsonObjectBuilder weightMap = Json.createObjectBuilder();
        long totalSize = 0;
        Set<String> placed = new java.util.HashSet<>();
        for (Path file : files) {
            Map<String, Tensor> part = SafeTensors.read(file).tensors();
            Map<String, Tensor> partAdapters = new LinkedHashMap<>();
            adapters.forEach((name, t) -> {
                String layer = name.substring(0, name.length() - (name.endsWith(LoraWeights.A) ? LoraWeights.A
                        : LoraWeights.B).length());
                if (part.containsKey(layer + ".weight")) {
                    partAdapters.put(name, t);
                }
            });
            placed.addAll(partAdapters.keySet());
            Map<String, Tensor> merged = LoraWeights.merge(part, partAdapters, lora);
            String name = files.size() == 1 ? DecoderWeights.SINGLE : file.getFileName().toString();
            SafeTensors.write(dir.resolve(name), merged, Map.of("format", "pt"));
            for (Tensor t : merged.values()) {
                weightMap.add(t.name(), name);
                totalSize += 4L * t.data().length;
            }
        }
        if (placed.size() != adapters.size()) {
            throw new WeightsException("Adapters for layers the base model in " + baseDir + " does not have: "
                    + adapters.keySet().stream().filter(n -> !placed.contains(n)).limit(5).toList());
        }
        if (files.size() > 1) {
            Files.writeString(dir.resolve(DecoderWeights.INDEX), Json.createObjectBuilder()
                    .add("metadata", Json.createObjectBuilder().add("total_size", totalSize))
                    .add("weight_map", weightMap).build().toString());
        }
        copyConfigAndTokenizer(dir, baseDir);
    }

    /**
     * Writes a fully fine-tuned model (every weight trained) as a model directory: the base's config.json (dtype
     * float32) and tokenizer files, {@code model.safetensors} in float32. A tied model's output layer is its
     * embeddings, so it is not written twice.
     */
    public static void saveModel(Path dir, Path baseDir, Map<String, Tensor> weights) throws IOException {
        requireEmpty(dir);
        SafeTensors.write(dir.resolve(DecoderWeights.SINGLE), weights, Map.of("format", "pt"));
        copyConfigAndTokenizer(dir, baseDir);
    }

    /** The base's config.json with dtype float32, and its tokenizer files as they are. */
    private static void copyConfigAndTokenizer(Path dir, Path baseDir) throws IOException {
        JsonObject original;
        try (Reader in = Files.newBufferedReader(baseDir.resolve(DecoderWeights.CONFIG));
                JsonReader r = Json.createReader(in)) {
            original = r.readObject();
        }
        Files.writeString(dir.resolve(DecoderWeights.CONFIG),
                Json.createObjectBuilder(original).add("torch_dtype", "float32").build().toString());
        copyTokenizer(dir, baseDir);
    }

    /** The base's tokenizer files (those it has), for an artifact that must be usable on its own. */
    public static void copyTokenizer(Path dir, Path baseDir) throws IOException {
        for (String file : TOKENIZER_FILES) {
            if (Files.isRegularFile(baseDir.resolve(file))) {
                Files.copy(baseDir.resolve(file), dir.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void requireEmpty(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> existing = Files.list(dir)) {
            if (existing.findAny().isPresent()) {
                throw new IOException("Output directory " + dir + " is not empty");
            }
        }
    }
}
