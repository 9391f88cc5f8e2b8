package io.tuneledger.ml.djl;

import io.tuneledger.ml.TrainingParameters;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.EncoderConfig;
import io.tuneledger.ml.Pooling;
import io.tuneledger.ml.weights.BertWeights;
import io.tuneledger.ml.weights.SafeTensors;
import io.tuneledger.ml.weights.Tensor;
import io.tuneledger.ml.weights.WeightsException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonWriter;
import jakarta.json.JsonWriterFactory;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A fine-tuned model as a directory in Hugging Face's layout, loadable by transformers as
 * {@code BertForSequenceClassification}: {@code config.json} (architecture, sizes, {@code id2label},
 * {@code label2id}), {@code model.safetensors} (encoder under {@code bert.}, head as {@code classifier.*}),
 * {@code tokenizer.json}; plus Tuneledger's {@code provenance.json} and {@code SHA256SUMS} over every file.
 *
 * <p>A model without labels (a sentence encoder, as retrieval trains it) is saved in the sentence-transformers layout
 * instead, loadable by that library as {@code SentenceTransformer(dir)} and by transformers as {@code BertModel}:
 * {@code config.json} ({@code BertModel}), {@code model.safetensors} (encoder names without prefix),
 * {@code tokenizer.json}, {@code modules.json} (Transformer, then Pooling in {@code 1_Pooling}, then Normalize in
 * {@code 2_Normalize}, which has no files), {@code sentence_bert_config.json} (maximum sequence length),
 * {@code 1_Pooling/config.json} (the base model's pooling) and {@code config_sentence_transformers.json} (cosine
 * similarity; the query prompt when the model has one).
 *
 * <p>The same loader reads a Hugging Face BERT directory ({@code config.json}, {@code model.safetensors},
 * {@code tokenizer.json}) as a base model: names with or without the {@code bert.} prefix; pooler and pre-training
 * heads are not used and are skipped.
 */
public final class ModelArtifact {

    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String PROVENANCE = io.tuneledger.ml.Provenance.FILE;
    public static final String CHECKSUMS = "SHA256SUMS";
    public static final String MODULES = "modules.json";
    public static final String SENTENCE_BERT_CONFIG = "sentence_bert_config.json";
    public static final String SENTENCE_TRANSFORMERS_CONFIG = "config_sentence_transformers.json";
    public static final String POOLING_CONFIG = "1_Pooling/config.json";
    public static final String ADAPTER_CONFIG = io.tuneledger.ml.ArtifactLayout.ADAPTER_CONFIG;
    public static final String ADAPTER_WEIGHTS = io.tuneledger.ml.ArtifactLayout.LORA_ADAPTER.weightsFile();
    /** What loading an adapter directory needs besides PEFT's files: the base model, its SHA-256, the labels. */
    public static final String ADAPTER_BASE = "tuneledger_adapter.json";
    /** The merged model of an adapter directory, made on first use for serving (see {@link #merged}). */
    public static final String MERGED_DIR = "merged";
    private static final String NORMALIZE_DIR = "2_Normalize";

    /**
     * What a directory holds: the encoder's shape, labels (empty for a base model) and weights; {@code maskedLmHead}
     * is the masked-language-model head of a {@code BertForMaskedLM} directory ({@code cls.predictions.*} without the
     * output weights, which are the word embeddings), empty when there is none or it does not fit the encoder.
     */
    public record Loaded(EncoderConfig config, List<String> labels, Map<String, Tensor> encoder,
            Map<String, Tensor> head, Path tokenizer, String queryPrefix, Map<String, Tensor> maskedLmHead) {
    }

    private ModelArtifact() {
    }

    /** Writes a classifier (see {@link #save(Path, BertClassifierModel, List, byte[], JsonObject, int, String)}). */
    public static void save(Path dir, BertClassifierModel model, List<String> labels, byte[] tokenizerJson,
            JsonObject provenance) throws IOException {
        save(dir, model, labels, tokenizerJson, provenance, model.config().maxPositions(), "");
    }

    /**
     * Writes the model, its tokenizer and its provenance into {@code dir} (created; must be empty or absent): a
     * classifier when {@code labels} are given, else a sentence encoder in the sentence-transformers layout whose
     * maximum sequence length is {@code maxLength} and whose {@code query} prompt is {@code queryPrefix} (none when
     * empty).
     */
    public static void save(Path dir, BertClassifierModel model, List<String> labels, byte[] tokenizerJson,
            JsonObject provenance, int maxLength, String queryPrefix) throws IOException {
        save(dir, model, labels, Map.of(), tokenizerJson, provenance, maxLength, queryPrefix);
    }

    /**
     * Writes an adapted encoder with its masked-language-model head as a Hugging Face {@code BertForMaskedLM}
     * directory: {@code config.json}, {@code model.safetensors} (encoder under {@code bert.}, head as
     * {@code cls.predictions.*}; the output weights are tied to the word embeddings, so, as transformers saves them,
     * not written twice), {@code tokenizer.json}, provenance and checksums, and, when the starting model put a prefix before
     * queries ({@code queryPrefix}), {@code config_sentence_transformers.json} with that prompt, so that a retrieval
     * model fine-tuned from it keeps it. Any task's fine-tuning starts from it.
     */
    public static void saveMaskedLm(Path dir, BertClassifierModel encoder, Map<String, Tensor> maskedLmHead,
            byte[] tokenizerJson, JsonObject provenance, String queryPrefix) throws IOException {
        if (maskedLmHead.isEmpty() || encoder.numLabels() != 0) {
            throw new IllegalArgumentException("a masked language model is an encoder with a masked-LM head");
        }
        save(dir, encoder, List.of(), maskedLmHead, tokenizerJson, provenance, encoder.config().maxPositions(),
                queryPrefix);
    }

    private static void save(Path dir, BertClassifierModel model, List<String> labels,
            Map<String, Tensor> maskedLmHead, byte[] tokenizerJson, JsonObject provenance, int maxLength,
            String queryPrefix) throws IOException {
        boolean maskedLm = !maskedLmHead.isEmpty();
        if (labels.isEmpty() != (model.numLabels() == 0)) {
            throw new IllegalArgumentException(labels.size() + " labels for a model with " + model.numLabels()
                    + " outputs");
        }
        Files.createDirectories(dir);
        try (Stream<Path> existing = Files.list(dir)) {
            if (existing.findAny().isPresent()) {
                throw new IOException("Model directory " + dir + " is not empty");
            }
        }
        EncoderConfig c = model.config();
        JsonObjectBuilder id2label = Json.createObjectBuilder();
        JsonObjectBuilder label2id = Json.createObjectBuilder();
        for (int i = 0; i < labels.size(); i++) {
            id2label.add(Integer.toString(i), labels.get(i));
            label2id.add(labels.get(i), i);
        }
        boolean encoderOnly = labels.isEmpty();
        JsonObjectBuilder config = Json.createObjectBuilder()
                .add("architectures", Json.createArrayBuilder().add(maskedLm ? "BertForMaskedLM"
                        : encoderOnly ? "BertModel" : "BertForSequenceClassification"))
                .add("model_type", "bert")
                .add("vocab_size", c.vocabSize())
                .add("hidden_size", c.hiddenSize())
                .add("num_hidden_layers", c.numLayers())
                .add("num_attention_heads", c.numHeads())
                .add("intermediate_size", c.intermediateSize())
                .add("hidden_act", "gelu")
                .add("hidden_dropout_prob", 0.1)
                .add("attention_probs_dropout_prob", 0.1)
                .add("max_position_embeddings", c.maxPositions())
                .add("type_vocab_size", c.typeVocabSize())
                .add("initializer_range", 0.02)
                .add("layer_norm_eps", c.layerNormEps())
                .add("pad_token_id", 0)
                .add("position_embedding_type", "absolute")
                .add("tuneledger_pooling", c.pooling().name().toLowerCase());
        if (!encoderOnly) {
            config.add("problem_type", "single_label_classification").add("id2label", id2label)
                    .add("label2id", label2id);
        }
        writeJson(dir.resolve(CONFIG), config.build());
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Tensor t : model.toTensors().values()) {
            String name = (encoderOnly && !maskedLm) || t.name().startsWith("classifier.") ? t.name()
                    : "bert." + t.name();
            weights.put(name, t.renamed(name));
        }
        maskedLmHead.forEach((name, t) -> weights.put(name, t));
        SafeTensors.write(dir.resolve(WEIGHTS), weights, Map.of("format", "pt"));
        Files.write(dir.resolve(TOKENIZER), tokenizerJson);
        writeJson(dir.resolve(PROVENANCE), provenance);
        List<String> files = new ArrayList<>(List.of(CONFIG, WEIGHTS, TOKENIZER, PROVENANCE));
        if (encoderOnly && !maskedLm) {
            files.addAll(saveSentenceTransformersFiles(dir, c, maxLength, queryPrefix));
        } else if (maskedLm && !queryPrefix.isEmpty()) {
            writePrompts(dir, queryPrefix);
            files.add(SENTENCE_TRANSFORMERS_CONFIG);
        }
        writeChecksums(dir, files);
    }

    /**
     * Writes a LoRA-trained classifier as PEFT's adapter directory, adapters and head only: {@code adapter_config.json}
     * (LORA, SEQ_CLS, r, lora_alpha, lora_dropout, target_modules, the head in modules_to_save, the base model as
     * base_model_name_or_path) and {@code adapter_model.safetensors} ({@code base_model.model.bert.<layer>.lora_A.weight}
     * and {@code lora_B}, {@code base_model.model.classifier.*}); plus {@code tokenizer.json}, provenance,
     * {@code tuneledger_adapter.json} (the starting point to load the base from, its weights' SHA-256, the labels) and
     * {@code SHA256SUMS}. Loading it ({@link #load}) merges the adapters into the base model's weights.
     */
    public static void saveLora(Path dir, BertClassifierModel model, List<String> labels, byte[] tokenizerJson,
            JsonObject provenance, io.tuneledger.ml.StartingPoint base) throws IOException {
        io.tuneledger.ml.TrainingConfig.Lora lora = model.lora();
        if (lora == null || labels.size() != model.numLabels()) {
            throw new IllegalArgumentException("an adapter directory holds a classifier trained with LoRA");
        }
        Files.createDirectories(dir);
        try (Stream<Path> existing = Files.list(dir)) {
            if (existing.findAny().isPresent()) {
                throw new IOException("Model directory " + dir + " is not empty");
            }
        }
        String baseName = base.builtin() != null ? hubId(base.builtin()) : base.directory().toAbsolutePath().toString();
        writeJson(dir.resolve(ADAPTER_CONFIG), Json.createObjectBuilder()
                .add("peft_type", "LORA")
                .add("task_type", "SEQ_CLS")
                .add("base_model_name_or_path", baseName)
                .add("r", lora.rank())
                .add("lora_alpha", lora.alpha())
                .add("lora_dropout", lora.dropout())
                .add("target_modules", Json.createArrayBuilder(lora.targets()))
                .add("bias", "none")
                .add("fan_in_fan_out", false)
                .add("inference_mode", true)
                .add("init_lora_weights", true)
                .add("modules_to_save", Json.createArrayBuilder().add("classifier"))
                .build());
        Map<String, Tensor> all = model.toTensors();
        Map<String, Tensor> adapter = new LinkedHashMap<>();
        for (String name : io.tuneledger.ml.weights.LoraWeights.shapes(model.config(), lora).keySet()) {
            String peft = io.tuneledger.ml.weights.LoraWeights.PEFT_ENCODER_PREFIX + name;
            adapter.put(peft, all.get(name).renamed(peft));
        }
        for (String name : BertWeights.headShapes(model.config(), labels.size()).keySet()) {
            String peft = io.tuneledger.ml.weights.LoraWeights.PEFT_MODULE_PREFIX + name;
            adapter.put(peft, all.get(name).renamed(peft));
        }
        SafeTensors.write(dir.resolve(ADAPTER_WEIGHTS), adapter, Map.of("format", "pt"));
        Files.write(dir.resolve(TOKENIZER), tokenizerJson);
        writeJson(dir.resolve(PROVENANCE), provenance);
        StartingWeights start = StartingWeights.of(base);
        writeJson(dir.resolve(ADAPTER_BASE), Json.createObjectBuilder()
                .add("base", base.builtin() != null ? Json.createObjectBuilder().add("builtin", base.builtin().id())
                        : Json.createObjectBuilder().add("path", base.directory().toAbsolutePath().toString()))
                .add("baseDescription", base.description())
                .add("baseWeightsSha256", start.sha256())
                .add("labels", Json.createArrayBuilder(labels))
                .add("pooling", model.config().pooling().name().toLowerCase())
                .build());
        writeChecksums(dir, List.of(ADAPTER_CONFIG, ADAPTER_WEIGHTS, TOKENIZER, PROVENANCE, ADAPTER_BASE));
    }

    /**
     * The listing {@code sha256sum} prints for {@code files} (paths relative to {@code dir}, with {@code /}), in the
     * order given: a {@code <hash>  <file>} line each.
     */
    static String sha256sums(Path dir, List<String> files) throws IOException {
        StringBuilder sums = new StringBuilder();
        for (String file : files) {
            sums.append(sha256(dir.resolve(file))).append("  ").append(file).append('\n');
        }
        return sums.toString();
    }

    /** Writes {@value #CHECKSUMS} over {@code files} of {@code dir}. */
    static void writeChecksums(Path dir, List<String> files) throws IOException {
        Files.writeString(dir.resolve(CHECKSUMS), sha256sums(dir, files));
    }

    /** The Hugging Face hub name of a shipped base model, as PEFT's base_model_name_or_path names it. */
    private static String hubId(io.tuneledger.ml.BaseModel base) {
        return switch (base) {
            case ALL_MINILM_L6_V2 -> "sentence-transformers/all-MiniLM-L6-v2";
            case BGE_SMALL_ZH_V15 -> "BAAI/bge-small-zh-v1.5";
            case BGE_SMALL_EN_V15 -> "BAAI/bge-small-en-v1.5";
        };
    }

    /** Whether {@code dir} is an adapter directory ({@link #saveLora}). */
    public static boolean isAdapter(Path dir) {
        return io.tuneledger.ml.ArtifactLayout.of(dir) == io.tuneledger.ml.ArtifactLayout.LORA_ADAPTER;
    }

    /**
     * The merged model of an adapter directory for serving, a {@code BertForSequenceClassification} directory in
     * {@code merged/} of the version's exports directory ({@link io.tuneledger.ml.ArtifactLayout#exports}: the
     * version's own directory is read-only), made on first use, all or nothing; a directory that is no adapter answers
     * itself.
     */
    public static Path merged(Path dir) throws IOException {
        if (!isAdapter(dir)) {
            return dir;
        }
        Path exports = io.tuneledger.ml.ArtifactLayout.exports(dir);
        Path merged = exports.resolve(MERGED_DIR);
        synchronized (ModelArtifact.class) {
            if (Files.exists(merged.resolve(CHECKSUMS))) {
                return merged;
            }
            Loaded loaded = load(dir);
            Files.createDirectories(exports);
            Path tmp = exports.resolve(MERGED_DIR + ".tmp");
            if (Files.exists(tmp)) {
                try (Stream<Path> old = Files.walk(tmp)) {
                    for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                    BertClassifierModel model = classifier(manager, loaded)) {
                save(tmp, model, loaded.labels(), Files.readAllBytes(loaded.tokenizer()),
                        readJson(dir.resolve(PROVENANCE)));
            }
            Files.move(tmp, merged, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return merged;
        }
    }

    private static JsonObject readJson(Path file) throws IOException {
        try (JsonReader reader = Json.createReader(Files.newBufferedReader(file))) {
            return reader.readObject();
        }
    }

    /**
     * An adapter directory loaded with its adapters merged into the base model's weights: the base is loaded again
     * from where it was (a shipped model, a directory) and must still have the weights it was trained on.
     */
    private static Loaded loadAdapter(Path dir) throws IOException {
        JsonObject base = readJson(dir.resolve(ADAPTER_BASE));
        JsonObject where = base.getJsonObject("base");
        io.tuneledger.ml.StartingPoint point = where.containsKey("builtin")
                ? io.tuneledger.ml.StartingPoint.of(io.tuneledger.ml.BaseModel.byId(where.getString("builtin"))
                        .orElseThrow(() -> new WeightsException(dir + " was trained on base model "
                                + where.getString("builtin") + ", which this version does not ship")))
                : io.tuneledger.ml.StartingPoint.of(Path.of(where.getString("path")),
                        base.getString("baseDescription"));
        if (point.directory() != null && !Files.isDirectory(point.directory())) {
            throw new WeightsException("The adapters in " + dir + " need their base model in " + point.directory()
                    + ", which is gone");
        }
        StartingWeights start = StartingWeights.of(point);
        if (!start.sha256().equals(base.getString("baseWeightsSha256"))) {
            throw new WeightsException("The base model " + base.getString("baseDescription") + " of the adapters in "
                    + dir + " has weights with SHA-256 " + start.sha256() + ", not the "
                    + base.getString("baseWeightsSha256") + " they were trained on");
        }
        JsonObject config = readJson(dir.resolve(ADAPTER_CONFIG));
        List<String> targets = config.getJsonArray("target_modules").getValuesAs(jakarta.json.JsonString.class)
                .stream().map(jakarta.json.JsonString::getString).toList();
        io.tuneledger.ml.TrainingConfig.Lora lora = new io.tuneledger.ml.TrainingConfig.Lora(config.getInt("r"),
                (float) config.getJsonNumber("lora_alpha").doubleValue(),
                (float) config.getJsonNumber("lora_dropout").doubleValue(), targets);
        List<String> labels = base.getJsonArray("labels").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList();
        Map<String, Tensor> adapters = new LinkedHashMap<>();
        Map<String, Tensor> head = new LinkedHashMap<>();
        for (Tensor t : SafeTensors.read(dir.resolve(ADAPTER_WEIGHTS)).tensors().values()) {
            if (t.name().startsWith(io.tuneledger.ml.weights.LoraWeights.PEFT_ENCODER_PREFIX)) {
                String name = t.name().substring(io.tuneledger.ml.weights.LoraWeights.PEFT_ENCODER_PREFIX.length());
                adapters.put(name, t.renamed(name));
            } else if (t.name().startsWith(io.tuneledger.ml.weights.LoraWeights.PEFT_MODULE_PREFIX)) {
                String name = t.name().substring(io.tuneledger.ml.weights.LoraWeights.PEFT_MODULE_PREFIX.length());
                head.put(name, t.renamed(name));
            }
        }
        BertWeights.check(adapters, io.tuneledger.ml.weights.LoraWeights.shapes(start.config(), lora),
                dir + " (adapters)");
        BertWeights.check(head, BertWeights.headShapes(start.config(), labels.size()), dir + " (head)");
        return new Loaded(start.config(), labels, io.tuneledger.ml.weights.LoraWeights.merge(start.encoder(),
                adapters, lora), head, dir.resolve(TOKENIZER), start.queryPrefix(), Map.of());
    }

    /** The sentence-transformers files of an encoder's directory; answers their paths, for the checksums. */
    private static List<String> saveSentenceTransformersFiles(Path dir, EncoderConfig c, int maxLength,
            String queryPrefix) throws IOException {
        JsonWriterFactory factory = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));
        StringWriter modules = new StringWriter();
        try (JsonWriter writer = factory.createWriter(modules)) {
            writer.writeArray(Json.createArrayBuilder()
                    .add(module(0, "", "Transformer"))
                    .add(module(1, "1_Pooling", "Pooling"))
                    .add(module(2, NORMALIZE_DIR, "Normalize"))
                    .build());
        }
        Files.writeString(dir.resolve(MODULES), modules.toString().strip() + "\n", StandardCharsets.UTF_8);
        writeJson(dir.resolve(SENTENCE_BERT_CONFIG), Json.createObjectBuilder().add("max_seq_length", maxLength)
                .add("do_lower_case", false).build());
        writePrompts(dir, queryPrefix);
        Files.createDirectories(dir.resolve(POOLING_CONFIG).getParent());
        writeJson(dir.resolve(POOLING_CONFIG), Json.createObjectBuilder()
                .add("word_embedding_dimension", c.hiddenSize())
                .add("pooling_mode_cls_token", c.pooling() == Pooling.CLS)
                .add("pooling_mode_mean_tokens", c.pooling() == Pooling.MEAN)
                .add("pooling_mode_max_tokens", false)
                .add("pooling_mode_mean_sqrt_len_tokens", false).build());
        Files.createDirectories(dir.resolve(NORMALIZE_DIR));
        return List.of(MODULES, SENTENCE_BERT_CONFIG, SENTENCE_TRANSFORMERS_CONFIG, POOLING_CONFIG);
    }

    /** {@code config_sentence_transformers.json}: cosine similarity and the query prompt (none when empty). */
    private static void writePrompts(Path dir, String queryPrefix) throws IOException {
        writeJson(dir.resolve(SENTENCE_TRANSFORMERS_CONFIG), Json.createObjectBuilder()
                .add("prompts", queryPrefix.isEmpty() ? Json.createObjectBuilder()
                        : Json.createObjectBuilder().add("query", queryPrefix).add("document", ""))
                .addNull("default_prompt_name")
                .add("similarity_fn_name", "cosine").build());
    }

    private static JsonObject module(int index, String path, String type) {
        return Json.createObjectBuilder().add("idx", index).add("name", Integer.toString(index)).add("path", path)
                .add("type", "sentence_transformers.models." + type).build();
    }

    /** What a loaded artifact becomes for inference (a predictor, an encoder), built on its own manager. */
    @FunctionalInterface
    interface Opener<T> {
        T open(NDManager manager, Loaded loaded, TextTokenizer tokenizer) throws IOException;
    }

    /**
     * Loads the artifact in {@code dir} for inference: a new base manager and the tokenizer cut at the token length
     * the model was trained with (its provenance's {@code train.max.length}), handed to {@code opener}; the manager is
     * closed again when that fails.
     */
    static <T> T open(Path dir, Opener<T> opener) throws IOException {
        Loaded loaded = load(dir);
        int maxLength;
        try (JsonReader r = Json.createReader(Files.newBufferedReader(dir.resolve(PROVENANCE)))) {
            maxLength = r.readObject().getJsonObject("training").getInt(TrainingParameters.MAX_LENGTH.name());
        }
        NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
        try (InputStream in = Files.newInputStream(loaded.tokenizer())) {
            return opener.open(manager, loaded, TextTokenizer.load(in, maxLength));
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Reads a model directory (Tuneledger's, a Hugging Face BERT's, or an adapter directory, whose adapters are merged
     * into its base model), checking checksums when present.
     */
    public static Loaded load(Path dir) throws IOException {
        verifyChecksums(dir);
        if (isAdapter(dir)) {
            return loadAdapter(dir);
        }
        return loadModel(dir);
    }

    /** Checks every file {@code SHA256SUMS} lists, when the directory has one. */
    private static void verifyChecksums(Path dir) throws IOException {
        Path checksums = dir.resolve(CHECKSUMS);
        if (Files.exists(checksums)) {
            for (String line : Files.readAllLines(checksums)) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("\\s+", 2);
                String actual = sha256(dir.resolve(parts[1].strip()));
                if (!actual.equals(parts[0])) {
                    throw new WeightsException(dir.resolve(parts[1].strip()) + " has SHA-256 " + actual
                            + " but SHA256SUMS records " + parts[0] + ": the model was changed after it was saved");
                }
            }
        }
    }

    private static Loaded loadModel(Path dir) throws IOException {
        JsonObject json;
        try (JsonReader reader = Json.createReader(Files.newBufferedReader(dir.resolve(CONFIG)))) {
            json = reader.readObject();
        }
        String type = json.getString("model_type", "bert");
        if (!type.equals("bert")) {
            throw new WeightsException(dir + " holds a " + type + " model; only BERT is supported");
        }
        Pooling pooling = json.containsKey("tuneledger_pooling")
                ? Pooling.valueOf(json.getString("tuneledger_pooling").toUpperCase()) : sentenceTransformersPooling(dir);
        EncoderConfig config = new EncoderConfig(json.getInt("vocab_size"), json.getInt("hidden_size"),
                json.getInt("num_hidden_layers"), json.getInt("num_attention_heads"), json.getInt("intermediate_size"),
                json.getInt("max_position_embeddings"), json.getInt("type_vocab_size", 2),
                (float) json.getJsonNumber("layer_norm_eps").doubleValue(), pooling);
        List<String> labels = new ArrayList<>();
        if (json.containsKey("id2label") && json.containsKey("architectures")
                && json.getJsonArray("architectures").getString(0).equals("BertForSequenceClassification")) {
            JsonObject id2label = json.getJsonObject("id2label");
            for (int i = 0; i < id2label.size(); i++) {
                labels.add(id2label.getString(Integer.toString(i)));
            }
        }
        Map<String, Tensor> encoder = new LinkedHashMap<>();
        Map<String, Tensor> head = new LinkedHashMap<>();
        Map<String, Tensor> maskedLmHead = new LinkedHashMap<>();
        for (Tensor t : SafeTensors.read(dir.resolve(WEIGHTS)).tensors().values()) {
            String name = t.name().startsWith("bert.") ? t.name().substring(5) : t.name();
            if (name.startsWith(MaskedLmHead.PREFIX)) {
                if (MaskedLmHead.NAMES.contains(name)) {
                    maskedLmHead.put(name, t.renamed(name));
                }
            } else if (name.startsWith("classifier.")) {
                head.put(name, t.renamed(name));
            } else if (name.startsWith("embeddings.") || name.startsWith("encoder.")) {
                if (!name.equals("embeddings.position_ids")) {
                    encoder.put(name, t.renamed(name));
                }
            }
        }
        BertWeights.check(encoder, BertWeights.encoderShapes(config), dir.toString());
        if (!labels.isEmpty() && !head.isEmpty()) {
            BertWeights.check(head, BertWeights.headShapes(config, labels.size()), dir.toString());
        } else {
            head.clear();
        }
        if (!maskedLmHead.isEmpty()) {
            try {
                BertWeights.check(maskedLmHead, MaskedLmHead.shapes(config), dir + " (masked-LM head)");
            } catch (WeightsException e) {
                // only adaptation reads this head; one that does not fit this encoder is not used (a new one is made)
                maskedLmHead.clear();
            }
        }
        return new Loaded(config, List.copyOf(labels), encoder, head, dir.resolve(TOKENIZER), queryPrefix(dir),
                maskedLmHead);
    }

    /** The {@code query} prompt of a sentence-transformers directory; empty without one. */
    private static String queryPrefix(Path dir) throws IOException {
        Path file = dir.resolve(SENTENCE_TRANSFORMERS_CONFIG);
        if (!Files.exists(file)) {
            return "";
        }
        try (JsonReader reader = Json.createReader(Files.newBufferedReader(file))) {
            JsonObject prompts = reader.readObject().getJsonObject("prompts");
            return prompts == null ? "" : prompts.getString("query", "");
        }
    }

    /** The pooling a sentence-transformers directory's {@code 1_Pooling/config.json} names; CLS without one. */
    private static Pooling sentenceTransformersPooling(Path dir) throws IOException {
        Path file = dir.resolve(POOLING_CONFIG);
        if (!Files.exists(file)) {
            return Pooling.CLS;
        }
        JsonObject json;
        try (JsonReader reader = Json.createReader(Files.newBufferedReader(file))) {
            json = reader.readObject();
        }
        if (json.getBoolean("pooling_mode_mean_tokens", false)) {
            return Pooling.MEAN;
        }
        if (json.getBoolean("pooling_mode_cls_token", false)) {
            return Pooling.CLS;
        }
        throw new WeightsException(file + " names a pooling other than mean or CLS, which Tuneledger does not support");
    }

    /** Builds the classifier a saved fine-tuned model describes. */
    public static BertClassifierModel classifier(NDManager manager, Loaded loaded) throws WeightsException {
        if (loaded.head().isEmpty()) {
            throw new WeightsException("The model directory holds no classification head");
        }
        return BertClassifierModel.create(manager, loaded.config(), loaded.labels().size(), loaded.encoder(),
                loaded.head(), 0);
    }

    /** Hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    /** Hex SHA-256 of a stream's content. */
    public static String sha256(InputStream in) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static void writeJson(Path file, JsonObject object) throws IOException {
        JsonWriterFactory factory = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));
        StringWriter out = new StringWriter();
        try (JsonWriter writer = factory.createWriter(out)) {
            writer.writeObject(object);
        }
        Files.writeString(file, out.toString().strip() + "\n", StandardCharsets.UTF_8);
    }
}
