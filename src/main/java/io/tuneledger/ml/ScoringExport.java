package io.tuneledger.ml;

import java.nio.file.Path;

/**
 * What a score engine runs besides the artifact, made before scoring starts: the ONNX export ({@code file}, its
 * {@code sha256}) and, for int8, its measurement against fp32 ({@code quantization}); all null for the model core,
 * which runs the artifact itself.
 */
public record ScoringExport(Path file, String sha256, Quantization quantization) {

    /** Nothing to make: the model core runs the artifact. */
    public static ScoringExport none() {
        return new ScoringExport(null, null, null);
    }
}
