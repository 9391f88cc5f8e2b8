package io.tuneledger.ml.djl;

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

    /** What a directory holds: the encoder's shape, labels (empty for a base model) and weights. */
    public record Loaded(EncoderConfig config, List<String> labels, Map<String, Tensor> encoder,
            Map<String, Tensor> head, Path tokenizer) {
    }

    private ModelArtifact() {
    }

    /** Writes the model, its tokenizer and its provenance into {@code dir} (created; must be empty or absent). */
    public static void save(Path dir, BertClassifierModel model, List<String> labels, byte[] tokenizerJson,
            JsonObject provenance) throws IOException {
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
        JsonObject config = Json.createObjectBuilder()
                .add("architectures", Json.createArrayBuilder().add("BertForSequenceClassification"))
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
                .add("problem_type", "single_label_classification")
                .add("id2label", id2label)
                .add("label2id", label2id)
                .add("tuneledger_pooling", c.pooling().name().toLowerCase())
                .build();
        writeJson(dir.resolve(CONFIG), config);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Tensor t : model.toTensors().values()) {
            String name = t.name().startsWith("classifier.") ? t.name() : "bert." + t.name();
            weights.put(name, t.renamed(name));
        }
        SafeTensors.write(dir.resolve(WEIGHTS), weights, Map.of("format", "pt"));
        Files.write(dir.resolve(TOKENIZER), tokenizerJson);
        writeJson(dir.resolve(PROVENANCE), provenance);
        StringBuilder sums = new StringBuilder();
        for (String file : List.of(CONFIG, WEIGHTS, TOKENIZER, PROVENANCE)) {
            sums.append(sha256(dir.resolve(file))).append("  ").append(file).append('\n');
        }
        Files.writeString(dir.resolve(CHECKSUMS), sums.toString());
    }

    /** Reads a model directory (Tuneledger's or a Hugging Face BERT's), checking checksums when present. */
    public static Loaded load(Path dir) throws IOException {
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
        JsonObject json;
        try (JsonReader reader = Json.createReader(Files.newBufferedReader(dir.resolve(CONFIG)))) {
            json = reader.readObject();
        }
        String type = json.getString("model_type", "bert");
        if (!type.equals("bert")) {
            throw new WeightsException(dir + " holds a " + type + " model; only BERT is supported");
        }
        Pooling pooling = json.containsKey("tuneledger_pooling")
                ? Pooling.valueOf(json.getString("tuneledger_pooling").toUpperCase()) : Pooling.CLS;
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
        for (Tensor t : SafeTensors.read(dir.resolve(WEIGHTS)).tensors().values()) {
            String name = t.name().startsWith("bert.") ? t.name().substring(5) : t.name();
            if (name.startsWith("classifier.")) {
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
        return new Loaded(config, List.copyOf(labels), encoder, head, dir.resolve(TOKENIZER));
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

    private static void writeJson(Path file, JsonObject object) throws IOException {
        JsonWriterFactory factory = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));
        StringWriter out = new StringWriter();
        try (JsonWriter writer = factory.createWriter(out)) {
            writer.writeObject(object);
        }
        Files.writeString(file, out.toString().strip() + "\n", StandardCharsets.UTF_8);
    }
}
