package io.tuneledger.ml.djl;

import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.EncoderConfig;
import io.tuneledger.ml.weights.OnnxBertImporter;
import io.tuneledger.ml.weights.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The weights a fine-tuning run starts from: a shipped base model (ONNX), a Hugging Face BERT directory, or a
 * registered Tuneledger model (incremental training, head included). {@code head} is null when a new head is needed;
 * {@code labels} are those of the existing head (empty without one). {@code sha256} identifies the weights file.
 * {@code queryPrefix} is what retrieval puts before each query (see {@link io.tuneledger.ml.BaseModel#queryPrefix()}).
 * {@code maskedLmHead} is the masked-language-model head of an adapted model (empty when the weights have none).
 */
public record StartingWeights(String description, String sha256, EncoderConfig config, List<String> labels,
        Map<String, Tensor> encoder, Map<String, Tensor> head, byte[] tokenizerJson, String queryPrefix,
        Map<String, Tensor> maskedLmHead) {

    /** The weights a resolved starting point names. */
    public static StartingWeights of(io.tuneledger.ml.StartingPoint point) throws IOException {
        return point.builtin() != null ? of(point.builtin()) : of(point.directory(), point.description());
    }

    /** One of the shipped base models, from its ONNX file on the class path. */
    public static StartingWeights of(BaseModel base) throws IOException {
        byte[] onnx;
        byte[] tokenizer;
        try (InputStream in = base.openOnnx()) {
            onnx = in.readAllBytes();
        }
        try (InputStream in = base.openTokenizer()) {
            tokenizer = in.readAllBytes();
        }
        Map<String, Tensor> encoder = OnnxBertImporter.importEncoder(ByteBuffer.wrap(onnx), base.config(), base.id());
        return new StartingWeights(base.id(), ModelArtifact.sha256(new java.io.ByteArrayInputStream(onnx)),
                base.config(), List.of(), encoder, null, tokenizer, base.queryPrefix(), Map.of());
    }

    /** A model directory: a Hugging Face BERT (config.json, model.safetensors, tokenizer.json) or a Tuneledger model. */
    public static StartingWeights of(Path dir, String description) throws IOException {
        ModelArtifact.Loaded loaded = ModelArtifact.load(dir);
        Map<String, Tensor> head = loaded.head() == null || loaded.head().isEmpty() ? null : loaded.head();
        return new StartingWeights(description, ModelArtifact.sha256(dir.resolve(ModelArtifact.isAdapter(dir)
                ? ModelArtifact.ADAPTER_WEIGHTS : ModelArtifact.WEIGHTS)),
                loaded.config(), head == null ? List.of() : loaded.labels(), loaded.encoder(), head,
                Files.readAllBytes(loaded.tokenizer()), loaded.queryPrefix(), loaded.maskedLmHead());
    }
}
