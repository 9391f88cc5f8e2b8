package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.EncoderConfig;
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
}
