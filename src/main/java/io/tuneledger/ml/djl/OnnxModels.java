package io.tuneledger.ml.djl;

import io.tuneledger.data.JsonFiles;
import io.tuneledger.data.JsonlFiles;
import io.tuneledger.ml.ArtifactLayout;
import io.tuneledger.ml.AtomicFiles;
import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.Provenance;
import io.tuneledger.ml.Quantization;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.djl.BertOnnxExport.Precision;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ONNX exports of a registered classifier, kept beside its artifact in {@code onnx/}: {@code model.onnx} (fp32),
 * {@code model-int8.onnx} and {@code quantization.json}, the int8 export measured against the fp32 one on the test
 * split of the model's dataset. Exports are made on first use, each written all or nothing, and are the same bytes
 * every time they are made from the same artifact; the artifact itself (and its {@code SHA256SUMS}) is not touched.
 */
public final class OnnxModels {


    /** One export at a time per server: two score jobs of one model make it once. */
    private static final Object LOCK = new Object();

    private OnnxModels() {
    }

    /** The export file of a precision. */
    public static Path file(Path modelDir, Precision precision) {
        return ArtifactLayout.exports(modelDir).resolve(Quantization.DIR).resolve(precision == Precision.FP32
                ? "model.onnx" : "model-int8.onnx");
    }

    /** The export of {@code modelDir} in {@code precision}, made now if it is not there yet. */
    public static Path export(Path modelDir, Precision precision) throws IOException {
        Path file = file(modelDir, precision);
        synchronized (LOCK) {
            if (Files.exists(file)) {
                return file;
            }
            ModelArtifact.Loaded loaded = ModelArtifact.load(modelDir);
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("labels", Json.createArrayBuilder(loaded.labels()).build().toString());
            metadata.put("max_length", Integer.toString(maxLength(modelDir)));
            metadata.put("pooling", loaded.config().pooling().name().toLowerCase());
            metadata.put("precision", precision.name().toLowerCase());
            metadata.put("weights_sha256", ModelArtifact.sha256(modelDir.resolve(ModelArtifact.WEIGHTS)));
            byte[] model = BertOnnxExport.export(loaded, precision, metadata);
            AtomicFiles.write(file, out -> {
                ByteBuffer b = ByteBuffer.wrap(model);
                while (b.hasRemaining()) {
                    out.write(b);
                }
            });
            return file;
        }
    }

    /**
     * The int8 export measured against the fp32 export on the test split of {@code datasetDir} (the model's
     * dataset version): made (both exports too) and recorded on first use, read afterwards.
     */
    public static Quantization quantization(Path modelDir, Path datasetDir) throws IOException {
        Optional<Quantization> known = Quantization.recorded(modelDir);
        if (known.isPresent()) {
            return known.get();
        }
        Path fp32 = export(modelDir, Precision.FP32);
        Path int8 = export(modelDir, Precision.INT8);
        List<String> texts = new ArrayList<>();
        List<String> truth = new ArrayList<>();
        JsonlFiles.forEach(datasetDir.resolve(Split.TEST.fileName()), o -> {
            texts.add(o.getString("text"));
            truth.add(o.getString("label"));
        });
        if (texts.isEmpty()) {
            throw new IOException("The test split of " + datasetDir + " is empty: the int8 export cannot be measured");
        }
        float[][] p32;
        float[][] p8;
        List<String> labels;
        try (OnnxClassifier a = open(modelDir, Precision.FP32, true, 0);
                OnnxClassifier b = open(modelDir, Precision.INT8, true, 0)) {
            labels = a.labels();
            List<long[]> ids = a.tokenIds(texts);
            p32 = a.probabilities(ids);
            p8 = b.probabilities(ids);
        }
        int[] t = truth.stream().mapToInt(labels::indexOf).toArray();
        int[] y32 = BatchPredictor.argmax(p32);
        int[] y8 = BatchPredictor.argmax(p8);
        int agree = 0;
        double maxDiff = 0;
        for (int i = 0; i < y32.length; i++) {
            agree += y32[i] == y8[i] ? 1 : 0;
            for (int c = 0; c < p32[i].length; c++) {
                maxDiff = Math.max(maxDiff, Math.abs(p32[i][c] - p8[i][c]));
            }
        }
        ClassificationMetrics m32 = ClassificationMetrics.of(labels, t, y32);
        ClassificationMetrics m8 = ClassificationMetrics.of(labels, t, y8);
        Quantization q = new Quantization(texts.size(), m32, m8, m32.accuracy() - m8.accuracy(),
                (double) agree / texts.size(), maxDiff, ModelArtifact.sha256(fp32), ModelArtifact.sha256(int8));
        JsonFiles.writeAtomically(Quantization.file(modelDir), q.toJson());
        return q;
    }

    /**
     * Opens the export of {@code modelDir} in {@code precision} (made now if needed) with the model's tokenizer;
     * labels and training length come from the export's metadata, so the weights are not loaded again (for an
     * adapter, that would mean its base model and a merge); {@code threads} as in {@link OnnxClassifier#open}.
     */
    public static OnnxClassifier open(Path modelDir, Precision precision, boolean bucketing, int threads)
            throws IOException {
        return OnnxClassifier.open(export(modelDir, precision), modelDir.resolve(ModelArtifact.TOKENIZER), bucketing,
                threads);
    }

    private static int maxLength(Path modelDir) throws IOException {
        return JsonFiles.read(modelDir.resolve(Provenance.FILE)).getJsonObject("training")
                .getInt(TrainingParameters.MAX_LENGTH.name());
    }
}
