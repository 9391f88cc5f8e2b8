package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.EncoderConfig;
import io.tuneledger.ml.Pooling;
import io.tuneledger.ml.weights.BertWeights;
import io.tuneledger.ml.weights.SafeTensors;
import io.tuneledger.ml.weights.Tensor;
import io.tuneledger.ml.weights.WeightsException;
import jakarta.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hugging Face directories as base models, and the artifact's integrity check. */
class ModelArtifactTest {

    static final EncoderConfig TINY = EncoderConfig.tiny(30522);

    @TempDir
    Path dir;

    private static Map<String, Tensor> encoder(String prefix) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        BertWeights.encoderShapes(TINY).forEach((n, s) -> m.put(prefix + n, Tensor.zeros(prefix + n, s)));
        return m;
    }

    private Path hfDirectory(Map<String, Tensor> weights) throws Exception {
        Path hf = Files.createDirectories(dir.resolve("hf"));
        Files.writeString(hf.resolve("config.json"), Json.createObjectBuilder()
                .add("architectures", Json.createArrayBuilder().add("BertModel")).add("model_type", "bert")
                .add("vocab_size", 30522).add("hidden_size", 32).add("num_hidden_layers", 2)
                .add("num_attention_heads", 4).add("intermediate_size", 64).add("max_position_embeddings", 128)
                .add("type_vocab_size", 2).add("layer_norm_eps", 1e-12).build().toString());
        SafeTensors.write(hf.resolve("model.safetensors"), weights, Map.of("format", "pt"));
        return hf;
    }

    @Test
    void aHuggingFaceBertDirectoryLoadsAsABaseModelSkippingPoolerAndHeads() throws Exception {
        Map<String, Tensor> weights = encoder("bert.");
        weights.put("bert.pooler.dense.weight", new Tensor("bert.pooler.dense.weight", new long[] {32, 32},
                new float[32 * 32]));
        weights.put("cls.predictions.bias", new Tensor("cls.predictions.bias", new long[] {4}, new float[4]));
        ModelArtifact.Loaded loaded = ModelArtifact.load(hfDirectory(weights));
        assertEquals(TINY.hiddenSize(), loaded.config().hiddenSize());
        assertEquals(List.of(), loaded.labels());
        assertEquals(BertWeights.encoderShapes(TINY).keySet(), loaded.encoder().keySet());
        assertTrue(loaded.head().isEmpty());
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager();
                BertClassifierModel model = BertClassifierModel.create(m, loaded.config(), 3, loaded.encoder(), null,
                        1)) {
            assertEquals(3, model.numLabels());
        }
    }

    /**
     * An adapted model's directory: BertForMaskedLM with its head (without the tied output weights), the starting
     * model's query prefix kept for retrieval, and loaded back as a base model with that head.
     */
    @Test
    void aMaskedLanguageModelKeepsItsHeadAndQueryPrefix() throws Exception {
        Path out = dir.resolve("mlm");
        Map<String, Tensor> head = MaskedLmHead.initial(TINY, 3);
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager();
                BertClassifierModel model = BertClassifierModel.encoderOnly(m, TINY, encoder(""))) {
            ModelArtifact.saveMaskedLm(out, model, head, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    Json.createObjectBuilder().build(), "query: ");
        }
        assertTrue(Files.readString(out.resolve("config.json")).contains("BertForMaskedLM"));
        ModelArtifact.Loaded loaded = ModelArtifact.load(out);
        assertEquals("query: ", loaded.queryPrefix());
        assertEquals(MaskedLmHead.NAMES, List.copyOf(loaded.maskedLmHead().keySet()));
        head.forEach((name, t) -> assertArrayEquals(t.data(),
                loaded.maskedLmHead().get(name).data(), name));
        assertTrue(loaded.labels().isEmpty() && loaded.head().isEmpty());
        assertTrue(Files.readString(out.resolve(ModelArtifact.CHECKSUMS))
                .contains(ModelArtifact.SENTENCE_TRANSFORMERS_CONFIG), "every file is in the checksums");
    }

    @Test
    void aMisshapedTensorInAHuggingFaceDirectoryIsNamed() throws Exception {
        Map<String, Tensor> weights = encoder("");
        weights.put("encoder.layer.1.output.dense.bias", new Tensor("encoder.layer.1.output.dense.bias",
                new long[] {31}, new float[31]));
        WeightsException e = assertThrows(WeightsException.class, () -> ModelArtifact.load(hfDirectory(weights)));
        assertTrue(e.getMessage().contains("encoder.layer.1.output.dense.bias has shape [31], expected [32]"),
                e.getMessage());
    }

    @Test
    void aSavedModelChangedAfterwardsIsRefused() throws Exception {
        Path saved = dir.resolve("model");
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager();
                BertClassifierModel model = BertClassifierModel.create(m, TINY, 2, encoder(""), null, 1)) {
            ModelArtifact.save(saved, model, List.of("ham", "spam"), "{}".getBytes(),
                    Json.createObjectBuilder().add("baseModel", "tiny").build());
        }
        assertEquals(List.of("ham", "spam"), ModelArtifact.load(saved).labels());
        assertTrue(Files.readString(saved.resolve("config.json")).contains("BertForSequenceClassification"));
        Files.writeString(saved.resolve("config.json"), Files.readString(saved.resolve("config.json"))
                .replace("\"spam\"", "\"eggs\""));
        WeightsException e = assertThrows(WeightsException.class, () -> ModelArtifact.load(saved));
        assertTrue(e.getMessage().contains("config.json has SHA-256"), e.getMessage());
    }
    /**
     * A sentence encoder is saved in the sentence-transformers layout, with exactly the files that layout documents
     * (Transformer at the root, Pooling in 1_Pooling, Normalize in 2_Normalize), and loads back with its pooling.
     */
    @Test
    void aSentenceEncoderIsSavedInTheSentenceTransformersLayout() throws Exception {
        Path saved = dir.resolve("encoder");
        EncoderConfig meanPooled = new EncoderConfig(30522, 32, 2, 4, 64, 128, 2, 1e-12f, Pooling.MEAN);
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager();
                BertClassifierModel model = BertClassifierModel.encoderOnly(m, meanPooled, encoder(""))) {
            assertThrows(IllegalArgumentException.class, () -> ModelArtifact.save(dir.resolve("x"), model,
                    List.of("ham"), "{}".getBytes(), Json.createObjectBuilder().build(), 64, ""));
            ModelArtifact.save(saved, model, List.of(), "{}".getBytes(),
                    Json.createObjectBuilder().add("baseModel", "tiny").build(), 64, "query: ");
        }
        try (var files = Files.walk(saved)) {
            assertEquals(List.of("1_Pooling", "1_Pooling/config.json", "2_Normalize", "SHA256SUMS",
                    "config.json", "config_sentence_transformers.json", "model.safetensors", "modules.json",
                    "provenance.json", "sentence_bert_config.json", "tokenizer.json"),
                    files.filter(f -> !f.equals(saved)).map(f -> saved.relativize(f).toString().replace('\\', '/'))
                            .sorted().toList());
        }
        jakarta.json.JsonArray modules = Json.createReader(Files.newBufferedReader(saved.resolve("modules.json")))
                .readArray();
        assertEquals(List.of("sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
                "sentence_transformers.models.Normalize"), modules.stream()
                .map(v -> v.asJsonObject().getString("type")).toList());
        assertEquals(List.of("", "1_Pooling", "2_Normalize"), modules.stream()
                .map(v -> v.asJsonObject().getString("path")).toList());
        jakarta.json.JsonObject pooling = Json.createReader(Files.newBufferedReader(
                saved.resolve("1_Pooling/config.json"))).readObject();
        assertEquals(32, pooling.getInt("word_embedding_dimension"));
        assertTrue(pooling.getBoolean("pooling_mode_mean_tokens"));
        assertFalse(pooling.getBoolean("pooling_mode_cls_token"));
        assertEquals(64, Json.createReader(Files.newBufferedReader(saved.resolve("sentence_bert_config.json")))
                .readObject().getInt("max_seq_length"));
        jakarta.json.JsonObject config = Json.createReader(Files.newBufferedReader(saved.resolve("config.json")))
                .readObject();
        assertEquals("BertModel", config.getJsonArray("architectures").getString(0));
        assertFalse(config.containsKey("id2label"));
        assertTrue(SafeTensors.read(saved.resolve("model.safetensors")).tensors()
                .containsKey("embeddings.word_embeddings.weight"), "BertModel's names, without a prefix");
        assertTrue(Files.readString(saved.resolve("SHA256SUMS")).contains("1_Pooling/config.json"));

        ModelArtifact.Loaded loaded = ModelArtifact.load(saved);
        assertEquals(List.of(), loaded.labels());
        assertEquals(Pooling.MEAN, loaded.config().pooling());
        assertEquals("query: ", loaded.queryPrefix(), "the query prompt of config_sentence_transformers.json");
        // A sentence-transformers directory from elsewhere has no Tuneledger keys: the pooling comes from 1_Pooling.
        Files.delete(saved.resolve("SHA256SUMS"));
        Files.writeString(saved.resolve("config.json"), Files.readString(saved.resolve("config.json"))
                .replace("\"tuneledger_pooling\"", "\"unused\""));
        assertEquals(Pooling.MEAN, ModelArtifact.load(saved).config().pooling());
    }
}
