package io.tuneledger.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.LengthBatches;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.djl.BatchPredictor;
import io.tuneledger.ml.djl.BertClassifierModel;
import io.tuneledger.ml.djl.FineTuner;
import io.tuneledger.ml.djl.MatrixProducts;
import io.tuneledger.ml.djl.ModelArtifact;
import io.tuneledger.ml.djl.TextTokenizer;
import io.tuneledger.ml.djl.TokenBatch;
import io.tuneledger.ml.djl.BertOnnxExport.Precision;
import io.tuneledger.ml.djl.OnnxClassifier;
import io.tuneledger.ml.djl.OnnxModels;
import io.tuneledger.ml.weights.OnnxBertImporter;
import io.tuneledger.ml.weights.Tensor;
import jakarta.json.Json;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The score engines' benchmark, run by bench/score-engines.sh, all in one process and one after the other: a MiniLM
 * classifier fine-tuned for one epoch on labelled e-mails (128 tokens), then
 * <ul>
 * <li>accuracy on held-out e-mails of the model core (PyTorch), its ONNX export in fp32 and in int8;</li>
 * <li>sentences per second on fixed shapes (batch 32 x 40, 128 and 512 tokens) of the model core, ONNX Runtime running
 * the stock all-MiniLM-L6-v2 ONNX file from the base model's jar (the peer), and the fp32 and int8 exports;</li>
 * <li>a real length mix (the first 192 held-out e-mails cut at 512 tokens, in score chunks of 64 records): the peer in
 * input order against the fp32 export with and without length bucketing.</li>
 * </ul>
 * Prints one {@code key=value} line per figure. Arguments: labelled JSONL file (id, text, label), records to train on,
 * held-out records, timed batches per shape.
 */
public final class ScoreEnginesBench {

    private static final int BATCH = 32;

    private ScoreEnginesBench() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int trainCount = Integer.parseInt(args[1]);
        int heldOutCount = Integer.parseInt(args[2]);
        int batches = Integer.parseInt(args[3]);
        List<LabelledText> all = new ArrayList<>(BenchData.mails(data));
        Collections.shuffle(all, new Random(42));
        List<String> labels = all.stream().map(t -> t.label() == 1 ? "spam" : "ham").distinct().sorted().toList();
        List<LabelledText> train = all.subList(0, trainCount);
        List<LabelledText> validation = all.subList(trainCount, trainCount + 64);
        List<LabelledText> heldOut = all.subList(trainCount + 64, Math.min(all.size(), trainCount + 64 + heldOutCount));
        BaseModel base = BaseModel.ALL_MINILM_L6_V2;
        byte[] stockOnnx;
        byte[] tokenizerJson;
        try (InputStream in = base.openOnnx()) {
            stockOnnx = in.readAllBytes();
        }
        try (InputStream in = base.openTokenizer()) {
            tokenizerJson = in.readAllBytes();
        }
        Map<String, Tensor> encoder = OnnxBertImporter.importEncoder(ByteBuffer.wrap(stockOnnx), base.config(),
                base.id());
        Path work = Files.createTempDirectory("score-engines-bench");
        Path modelDir = work.resolve("model");
        System.out.println("labels=" + labels);
        System.out.println("matrix_products=" + MatrixProducts.describe());
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                TextTokenizer tokenizer = tokenizer(tokenizerJson, 128);
                BertClassifierModel model = BertClassifierModel.create(manager, base.config(), 2, encoder, null, 42)) {
            TrainingConfig config = TrainingConfig.builder().optEpochs(1).optLearningRate(1e-4f).optMaxLength(128)
                    .optCheckpointEverySteps(1_000_000).build();
            long t0 = System.nanoTime();
            new FineTuner(config, labels, work.resolve("checkpoints")).train(model, tokenizer, train, validation,
                    new FineTuner.Listener() { });
            System.out.printf("train_seconds=%.0f%n", (System.nanoTime() - t0) / 1e9);
            ModelArtifact.save(modelDir, model, labels, tokenizerJson, Json.createObjectBuilder().add("training",
                    Json.createObjectBuilder().add(TrainingParameters.MAX_LENGTH.name(), 128)).build());
            for (Precision p : Precision.values()) {
                long e0 = System.nanoTime();
                OnnxModels.export(modelDir, p);
                System.out.printf("export_%s_seconds=%.1f%n", p.name().toLowerCase(), (System.nanoTime() - e0) / 1e9);
                System.out.printf("export_%s_mb=%.1f%n", p.name().toLowerCase(),
                        Files.size(OnnxModels.file(modelDir, p)) / 1e6);
            }
            System.out.printf("weights_mb=%.1f%n", Files.size(modelDir.resolve(ModelArtifact.WEIGHTS)) / 1e6);

            try (OnnxClassifier fp32 = OnnxModels.open(modelDir, Precision.FP32, true, 0);
                    OnnxClassifier int8 = OnnxModels.open(modelDir, Precision.INT8, true, 0);
                    OrtSession stock = OrtEnvironment.getEnvironment().createSession(stockOnnx,
                            new OrtSession.SessionOptions())) {
                accuracy(model, tokenizer, manager, fp32, int8, heldOut, labels);
                JniUtils.setGradMode(false);
                for (int length : new int[] {40, 128, 512}) {
                    try (TextTokenizer cut = tokenizer(tokenizerJson, length)) {
                        Random random = new Random(length);
                        List<long[]> ids = new ArrayList<>();
                        for (int i = 0; i < BATCH; i++) {
                            ids.add(cut.ids(BenchData.words(random, 2 * length)));
                        }
                        TokenBatch padded = cut.pad(ids);
                        String shape = BATCH + "x" + length;
                        time("pytorch_" + shape, batches, () -> BatchPredictor.probabilities(model, cut, ids, BATCH,
                                manager));
                        time("stock_onnx_fp32_" + shape, batches, () -> runStock(stock, padded));
                        time("onnx_fp32_" + shape, batches, () -> fp32.probabilities(ids));
                        time("onnx_int8_" + shape, batches, () -> int8.probabilities(ids));
                    }
                }
                mix(tokenizerJson, heldOut, stock, modelDir);
            }
        }
    }

    /** Held-out accuracy of the model core, the fp32 export and the int8 export. */
    private static void accuracy(BertClassifierModel model, TextTokenizer tokenizer, NDManager manager,
            OnnxClassifier fp32, OnnxClassifier int8, List<LabelledText> heldOut, List<String> labels) {
        JniUtils.setGradMode(false);
        List<long[]> ids = heldOut.stream().map(t -> tokenizer.ids(t.text())).toList();
        int[] truth = heldOut.stream().mapToInt(LabelledText::label).toArray();
        int[] core = BatchPredictor.argmax(BatchPredictor.probabilities(model, tokenizer, ids, BATCH, manager));
        int[] a = BatchPredictor.argmax(fp32.probabilities(ids));
        int[] b = BatchPredictor.argmax(int8.probabilities(ids));
        System.out.println("held_out=" + heldOut.size());
        for (Map.Entry<String, int[]> e : Map.of("pytorch", core, "onnx_fp32", a, "onnx_int8", b).entrySet()) {
            ClassificationMetrics m = ClassificationMetrics.of(labels, truth, e.getValue());
            System.out.printf("accuracy_%s=%.4f%n", e.getKey(), m.accuracy());
            System.out.printf("macro_f1_%s=%.4f%n", e.getKey(), m.macroF1());
        }
        int agree = 0;
        for (int i = 0; i < a.length; i++) {
            agree += a[i] == b[i] ? 1 : 0;
        }
        System.out.printf("int8_label_agreement=%.4f%n", (double) agree / a.length);
    }

    /** Real e-mails cut at 512 tokens, in chunks of 64 as the score job reads them. */
    private static void mix(byte[] tokenizerJson, List<LabelledText> heldOut, OrtSession stock, Path modelDir)
            throws Exception {
        try (TextTokenizer cut = tokenizer(tokenizerJson, 512);
                OnnxClassifier bucketed = OnnxModels.open(modelDir, Precision.FP32, true, 0);
                OnnxClassifier inOrder = OnnxModels.open(modelDir, Precision.FP32, false, 0)) {
            List<long[]> ids = heldOut.subList(0, Math.min(heldOut.size(), 192)).stream().map(t -> cut.ids(t.text()))
                    .toList();
            System.out.printf("mix_texts=%d%n", ids.size());
            System.out.printf("mix_mean_tokens=%.0f%n", ids.stream().mapToInt(i -> i.length).average().orElse(0));
            int window = 64;
            // warm-up on the first window, then everything
            stockChunks(stock, cut, ids.subList(0, window), window);
            inOrder.probabilities(ids.subList(0, window));
            bucketed.probabilities(ids.subList(0, window));
            time("mix_stock_onnx_fp32_in_order", 1, ids.size(), () -> stockChunks(stock, cut, ids, window));
            time("mix_onnx_fp32_in_order", 1, ids.size(), () -> chunks(inOrder, ids, window));
            time("mix_onnx_fp32_bucketed", 1, ids.size(), () -> chunks(bucketed, ids, window));
        }
    }

    private static void chunks(OnnxClassifier classifier, List<long[]> ids, int window) {
        for (int start = 0; start < ids.size(); start += window) {
            classifier.probabilities(ids.subList(start, Math.min(ids.size(), start + window)));
        }
    }

    private static void stockChunks(OrtSession stock, TextTokenizer cut, List<long[]> ids, int window) {
        for (int start = 0; start < ids.size(); start += window) {
            LengthBatches.forEach(ids.subList(start, Math.min(ids.size(), start + window)), BATCH, false,
                    (positions, sequences) -> runStock(stock, cut.pad(sequences)));
        }
    }

    private static void runStock(OrtSession session, TokenBatch batch) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = {batch.size(), batch.length()};
        try (OnnxTensor ids = tensor(env, batch.inputIds(), shape);
                OnnxTensor mask = tensor(env, batch.attentionMask(), shape);
                OnnxTensor types = tensor(env, batch.tokenTypeIds(), shape);
                OrtSession.Result r = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                        "token_type_ids", types), Set.of(session.getOutputNames().iterator().next()))) {
            r.get(0).getValue();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, long[][] rows, long[] shape) throws Exception {
        LongBuffer flat = LongBuffer.allocate(rows.length * (int) shape[1]);
        for (long[] row : rows) {
            flat.put(row);
        }
        flat.flip();
        return OnnxTensor.createTensor(env, flat, shape);
    }

    /** One warm-up batch, then {@link #time(String, int, int, Runnable)} of {@code batches} batches of 32. */
    private static void time(String name, int batches, Runnable batch) {
        batch.run();
        time(name, batches, BATCH, batch);
    }

    /** Best of three timings of {@code repeats} runs of {@code work}, as sentences per second. */
    private static void time(String name, int repeats, int sentencesPerRepeat, Runnable work) {
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < repeats; i++) {
                work.run();
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf("%s_sentences_per_second=%.1f%n", name, repeats * sentencesPerRepeat / best);
    }

    private static TextTokenizer tokenizer(byte[] json, int maxLength) throws java.io.IOException {
        return TextTokenizer.load(new ByteArrayInputStream(json), maxLength);
    }

}
