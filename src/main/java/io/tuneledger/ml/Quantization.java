package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * A classifier's int8 ONNX export measured against its fp32 export on the test split of its dataset: accuracy and
 * macro-F1 of each, the accuracy lost ({@code accuracyDrop}, positive when int8 is worse), how many labels agree, the
 * largest difference of a probability, and the SHA-256 of both files. Kept with the exports, in
 * {@code onnx/quantization.json} of the version's exports directory ({@link ArtifactLayout#exports}).
 */
public record Quantization(int records, ClassificationMetrics fp32, ClassificationMetrics int8, double accuracyDrop,
        double labelAgreement, double maxProbabilityDifference, String fp32Sha256, String int8Sha256) {

    /** The directory of a model's ONNX exports, inside its exports directory. */
    public static final String DIR = "onnx";
    public static final String FILE = "quantization.json";

    public JsonObject toJson() {
        return Json.createObjectBuilder().add("split", Split.TEST.parameterName()).add("records", records)
                .add("fp32", fp32.toJson()).add("int8", int8.toJson()).add("accuracyDrop", accuracyDrop)
                .add("labelAgreement", labelAgreement).add("maxProbabilityDifference", maxProbabilityDifference)
                .add("fp32Sha256", fp32Sha256).add("int8Sha256", int8Sha256).build();
    }

    public static Quantization fromJson(JsonObject o) {
        return new Quantization(o.getInt("records"), ClassificationMetrics.fromJson(o.getJsonObject("fp32")),
                ClassificationMetrics.fromJson(o.getJsonObject("int8")), o.getJsonNumber("accuracyDrop").doubleValue(),
                o.getJsonNumber("labelAgreement").doubleValue(),
                o.getJsonNumber("maxProbabilityDifference").doubleValue(), o.getString("fp32Sha256"),
                o.getString("int8Sha256"));
    }

    /**
     * Why the int8 export of {@code model} must not score when at most {@code maxDrop} accuracy may be lost; empty
     * when it may.
     */
    public Optional<String> refusal(String model, double maxDrop) {
        if (accuracyDrop <= maxDrop) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "The int8 export of %s loses %.4f accuracy on the test split (%d"
                + " records: fp32 %.4f, int8 %.4f), more than quantize.max.drop=%s; score with score.engine=onnx or"
                + " pytorch", model, accuracyDrop, records, fp32.accuracy(), int8.accuracy(), maxDrop));
    }

    /** The file of a model directory's measurement. */
    public static Path file(Path modelDir) {
        return ArtifactLayout.exports(modelDir).resolve(DIR).resolve(FILE);
    }

    /** The recorded measurement of a model, if one was made. */
    public static Optional<Quantization> recorded(Path modelDir) throws IOException {
        Path file = file(modelDir);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (JsonReader reader = Json.createReader(Files.newBufferedReader(file))) {
            return Optional.of(fromJson(reader.readObject()));
        }
    }
}
