package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.data.CleaningRule;
import io.tuneledger.data.TextCleaner;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.EncoderConfig;
import io.tuneledger.ml.LengthBatches;
import io.tuneledger.ml.Pooling;
import io.tuneledger.ml.Predictor;
import io.tuneledger.ml.TaskType;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.Quantization;
import io.tuneledger.ml.djl.BertOnnxExport.Precision;
import io.tuneledger.ml.weights.BertWeights;
import io.tuneledger.ml.weights.OnnxBertImporter;
import io.tuneledger.ml.weights.Tensor;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX export of a saved classifier, run by ONNX Runtime, against the model core on the same texts: fp32 gives
 * the same labels and probabilities within 1e-4 (real MiniLM weights with mean pooling, and a random encoder with
 * CLS pooling); without length bucketing the same within 1e-5; int8 weights make a file about a quarter of the size
 * that mostly agrees, and its measurement on a test split is recorded once.
 */
class OnnxExportTest {

    static final TextCleaner CLEANER = new TextCleaner(CleaningRule.parse(CleaningRule.defaultValue()));
    static final List<String> LABELS = List.of("ham", "spam");

    @TempDir
    Path dir;

    /** The first {@code n} bundled e-mails, cleaned as a dataset would be, with their labels. */
    private static List<JsonObject> sample(int n) throws Exception {
        List<JsonObject> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("samples", "spamassassin-sample.jsonl")).subList(0, n)) {
            try (JsonReader r = Json.createReader(new StringReader(line))) {
                JsonObject o = r.readObject();
                out.add(Json.createObjectBuilder(o).add("text", CLEANER.clean(o.getString("text"))).build());
            }
        }
        return out;
    }

    /** A head whose logits spread widely, so that probabilities are far from 0.5 and differences show. */
    private static Map<String, Tensor> head(EncoderConfig c, long seed) {
        Random random = new Random(seed);
        float[] w = new float[LABELS.size() * c.hiddenSize()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() * 0.5);
        }
        Map<String, Tensor> head = new LinkedHashMap<>();
        head.put(BertWeights.CLASSIFIER_WEIGHT, new Tensor(BertWeights.CLASSIFIER_WEIGHT,
                new long[] {LABELS.size(), c.hiddenSize()}, w));
        head.put(BertWeights.CLASSIFIER_BIAS, new Tensor(BertWeights.CLASSIFIER_BIAS, new long[] {LABELS.size()},
                new float[] {0.1f, -0.1f}));
        return head;
    }

    private Path save(String name, EncoderConfig config, Map<String, Tensor> encoder, int maxLength)
            throws Exception {
        Path out = dir.resolve(name);
        byte[] tokenizer;
        try (InputStream in = BaseModel.ALL_MINILM_L6_V2.openTokenizer()) {
            tokenizer = in.readAllBytes();
        }
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager();
                BertClassifierModel model = BertClassifierModel.create(m, config, LABELS.size(), encoder,
                        head(config, 7), 0)) {
            ModelArtifact.save(out, model, LABELS, tokenizer, Json.createObjectBuilder().add("training",
                    Json.createObjectBuilder().add(TrainingParameters.MAX_LENGTH.name(), maxLength)).build());
        }
        return out;
    }

    private static Map<String, Tensor> miniLm() throws Exception {
        BaseModel base = BaseModel.ALL_MINILM_L6_V2;
        try (InputStream in = base.openOnnx()) {
            return OnnxBertImporter.importEncoder(ByteBuffer.wrap(in.readAllBytes()), base.config(), base.id());
        }
    }

    private static List<Predictor.Prediction> predict(Predictor p, List<String> texts) {
        try (p) {
            return p.predict(texts);
        }
    }

    private static double maxDifference(List<Predictor.Prediction> a, List<Predictor.Prediction> b) {
        assertEquals(a.size(), b.size());
        double max = 0;
        for (int i = 0; i < a.size(); i++) {
            for (String label : LABELS) {
                max = Math.max(max, Math.abs(a.get(i).probabilities().get(label) - b.get(i).probabilities().get(label)));
            }
        }
        return max;
    }

    private static long labelsAgreeing(List<Predictor.Prediction> a, List<Predictor.Prediction> b) {
        long n = 0;
        for (int i = 0; i < a.size(); i++) {
            n += a.get(i).label().equals(b.get(i).label()) ? 1 : 0;
        }
        return n;
    }

    @Test
    void miniLmExportedToOnnxPredictsWhatTheModelCorePredicts() throws Exception {
        // 256 tokens: long enough that the model core runs a batch of 32 through its layers in slices of a few texts
        // (BertClassifierModel's SCORES_PER_PASS), which the ONNX graph does not, so parity covers the slicing too;
        // and long enough that the length-bucketed batch of the longest mails (cut at 256, unpadded) takes the
        // export's tiled attention while the others take the masked one (asserted below).
        Path model = save("minilm", BaseModel.ALL_MINILM_L6_V2.config(), miniLm(), 256);
        List<String> texts = sample(48).stream().map(o -> o.getString("text")).toList();
        List<Predictor.Prediction> core = predict(new DjlModelEngine().task(TaskType.CLASSIFICATION)
                .predictor(model), texts);
        List<Predictor.Prediction> fp32 = predict(OnnxModels.open(model, Precision.FP32, true, 0), texts);
        List<Predictor.Prediction> unbucketed = predict(OnnxModels.open(model, Precision.FP32, false, 0), texts);
        List<Predictor.Prediction> int8 = predict(OnnxModels.open(model, Precision.INT8, true, 0), texts);

        // The export's two attention branches are both taken: the bucketed batches hold an unpadded one of at least
        // TILED_MIN_LENGTH tokens (tiled) and a padded one (masked).
        List<String> branches = new ArrayList<>();
        try (OnnxClassifier c = OnnxModels.open(model, Precision.FP32, true, 0)) {
            LengthBatches.forEach(c.tokenIds(texts), OnnxClassifier.BATCH_SIZE, true, (positions, sequences) -> {
                int length = sequences.get(0).length;
                boolean unpadded = sequences.stream().allMatch(s -> s.length == length);
                branches.add(unpadded && length >= BertOnnxExport.TILED_MIN_LENGTH ? "tiled" : "masked");
            });
        }
        assertTrue(branches.contains("tiled") && branches.contains("masked"), "batches: " + branches);
        assertTrue(core.stream().map(Predictor.Prediction::label).distinct().count() == 2,
                "the head separates the texts, so agreement means something");
        assertEquals(texts.size(), labelsAgreeing(core, fp32), "fp32 ONNX gives the model core's labels");
        double fp32Difference = maxDifference(core, fp32);
        assertTrue(fp32Difference < 1e-4, "fp32 probabilities differ by " + fp32Difference);
        assertEquals(texts.size(), labelsAgreeing(fp32, unbucketed));
        double bucketDifference = maxDifference(fp32, unbucketed);
        assertTrue(bucketDifference < 1e-5, "bucketed against unbucketed: " + bucketDifference);

        // int8 is an approximation: with this deliberately wide head (logits of several units) a probability moves by
        // 0.035 on average (measured), and a label near 0.5 may flip.
        double sum = 0;
        for (int i = 0; i < texts.size(); i++) {
            sum += Math.abs(fp32.get(i).probabilities().get("spam") - int8.get(i).probabilities().get("spam"));
        }
        double meanDifference = sum / texts.size();
        long agreeing = labelsAgreeing(fp32, int8);
        assertTrue(agreeing >= texts.size() - 4, "int8 agrees on " + agreeing + " of " + texts.size());
        assertTrue(meanDifference > 1e-4 && meanDifference < 0.06, "int8 probabilities differ by " + meanDifference
                + " on average");
        assertTrue(!OnnxModels.file(model, Precision.FP32).startsWith(model.toAbsolutePath()),
                "exports are kept beside the (read-only) version directory, not in it");
        long fp32Size = Files.size(OnnxModels.file(model, Precision.FP32));
        long int8Size = Files.size(OnnxModels.file(model, Precision.INT8));
        assertTrue(int8Size < 0.4 * fp32Size, "int8 export " + int8Size + " bytes against fp32 " + fp32Size);
    }

    @Test
    void aRandomEncoderWithClsPoolingMatchesToo() throws Exception {
        EncoderConfig tiny = new EncoderConfig(30522, 32, 2, 4, 64, 128, 2, 1e-12f, Pooling.CLS);
        Random random = new Random(3);
        Map<String, Tensor> encoder = new LinkedHashMap<>();
        BertWeights.encoderShapes(tiny).forEach((name, shape) -> {
            Tensor t = Tensor.zeros(name, shape);
            boolean layerNormWeight = name.endsWith("LayerNorm.weight");
            for (int i = 0; i < t.data().length; i++) {
                t.data()[i] = layerNormWeight ? 1f + (float) (random.nextGaussian() * 0.1)
                        : (float) (random.nextGaussian() * 0.2);
            }
            encoder.put(name, t);
        });
        Path model = save("tiny-cls", tiny, encoder, 32);
        List<String> texts = sample(40).stream().map(o -> o.getString("text")).toList();
        List<Predictor.Prediction> core = predict(new DjlModelEngine().task(TaskType.CLASSIFICATION)
                .predictor(model), texts);
        List<Predictor.Prediction> fp32 = predict(OnnxModels.open(model, Precision.FP32, true, 0), texts);
        assertEquals(texts.size(), labelsAgreeing(core, fp32));
        double difference = maxDifference(core, fp32);
        assertTrue(difference < 1e-4, "fp32 probabilities differ by " + difference);
    }

    @Test
    void theInt8MeasurementIsMadeOnceOnTheTestSplitAndRecorded() throws Exception {
        Path model = save("measured", BaseModel.ALL_MINILM_L6_V2.config(), miniLm(), 32);
        Path dataset = Files.createDirectories(dir.resolve("dataset"));
        StringBuilder test = new StringBuilder();
        for (JsonObject o : sample(30)) {
            test.append(Json.createObjectBuilder().add("id", o.getString("id")).add("text", o.getString("text"))
                    .add("label", o.getString("label")).build()).append('\n');
        }
        Files.writeString(dataset.resolve("test.jsonl"), test);
        Quantization q = OnnxModels.quantization(model, dataset);
        assertEquals(30, q.records());
        assertEquals(q.fp32().accuracy() - q.int8().accuracy(), q.accuracyDrop(), 1e-12);
        assertTrue(q.labelAgreement() >= 0.9, "int8 labels agree with fp32 on " + q.labelAgreement());
        assertEquals(ModelArtifact.sha256(OnnxModels.file(model, Precision.INT8)), q.int8Sha256());
        assertEquals(q.toJson(), Quantization.recorded(model).orElseThrow().toJson());
        Files.delete(dataset.resolve("test.jsonl"));
        assertEquals(q.toJson(), OnnxModels.quantization(model, dataset).toJson(), "read back, not measured again");
        assertEquals(ModelArtifact.load(model).labels(), LABELS, "the artifact itself still verifies");

        // The gate compares the loss with quantize.max.drop.
        Quantization lost = new Quantization(q.records(), q.fp32(), q.int8(), 0.02,
                q.labelAgreement(), q.maxProbabilityDifference(), q.fp32Sha256(), q.int8Sha256());
        assertTrue(lost.refusal("m v1", 0.02).isEmpty(), "a loss equal to the limit is allowed");
        String why = lost.refusal("m v1", 0.01).orElseThrow();
        assertTrue(why.contains("m v1 loses 0.0200 accuracy") && why.contains("quantize.max.drop=0.01"), why);
    }
}
