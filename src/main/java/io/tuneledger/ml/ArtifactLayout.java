package io.tuneledger.ml;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two layouts of a registered model's directory, told apart without loading it: a whole model (Hugging Face's
 * {@code config.json} and {@code model.safetensors}), or PEFT's adapter directory ({@code adapter_config.json} and
 * {@code adapter_model.safetensors}) that a LoRA run saves, whose base model is loaded from where it was; and where
 * what is derived from a version later is kept ({@link #exports}).
 */
public enum ArtifactLayout {
    MODEL("model", "model.safetensors"),
    LORA_ADAPTER("lora-adapter", "adapter_model.safetensors");

    /** PEFT's adapter configuration, the mark of an adapter directory. */
    public static final String ADAPTER_CONFIG = "adapter_config.json";

    private final String id;
    private final String weightsFile;

    ArtifactLayout(String id, String weightsFile) {
        this.id = id;
        this.weightsFile = weightsFile;
    }

    /** The name the API shows ({@code lora-adapter}). */
    public String id() {
        return id;
    }

    /** The file whose SHA-256 the registry records as the version's weights. */
    public String weightsFile() {
        return weightsFile;
    }

    /**
     * Where what is made from a registered version's directory after registration lives (its ONNX exports, the merged
     * model of an adapter): beside it, {@code <version>-exports}, because the version's own directory is read-only.
     */
    public static Path exports(Path modelDir) {
        Path absolute = modelDir.toAbsolutePath().normalize();
        return absolute.resolveSibling(absolute.getFileName() + "-exports");
    }

    public static ArtifactLayout of(Path dir) {
        return Files.exists(dir.resolve(ADAPTER_CONFIG)) ? LORA_ADAPTER : MODEL;
    }
}
