package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.bench.BenchData;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.Provenance;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.weights.OnnxBertImporter;
import io.tuneledger.ml.weights.Tensor;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The number that matters, on the real base model: all-MiniLM-L6-v2 fine-tuned for one epoch on 400 e-mails of the
 * bundled sample reaches macro-F1 of at least 0.90 on 200 held-out ones; saved as a Hugging Face directory and loaded
 * back it predicts exactly the same probabilities.
 */
class MiniLmFineTuneTest {

    static final List<String> LABELS = List.of("ham", "spam");

    @TempDir
    Path dir;

    @Test
    void oneEpochOn400MailsReachesMacroF1Of090AndTheSavedModelPredictsTheSame() throws Exception {
        List<LabelledText> all = BenchData.sample();
        List<LabelledText> train = all.subList(0, 400);
        List<LabelledText> validation = all.subList(400, 500);
        List<LabelledText> test = all.subList(500, 700);
        BaseModel base = BaseModel.ALL_MINILM_L6_V2;
        byte[] onnx;
        byte[] tokenizerJson;
        try (InputStream in = base.openOnnx()) {
            onnx = in.readAllBytes();
        }
        try (InputStream in = base.openTokenizer()) {
            tokenizerJson = in.readAllBytes();
        }
        Map<String, Tensor> encoder = OnnxBertImporter.importEncoder(ByteBuffer.wrap(onnx), base.config(), base.id());
        TrainingConfig config = TrainingConfig.builder().optEpochs(1).optLearningRate(1e-4f).optMaxLength(64).build();
        Path artifact = dir.resolve("model");
        float[][] predicted;
        List<long[]> testIds;
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                TextTokenizer tokenizer = TextTokenizer.load(new java.io.ByteArrayInputStream(tokenizerJson), 64);
                BertClassifierModel model = BertClassifierModel.create(manager, base.config(), 2, encoder, null, 42)) {
            FineTuner.Result result = new FineTuner(config, LABELS, dir.resolve("checkpoints"))
                    .train(model, tokenizer, train, validation, new FineTuner.Listener() {
                        private long last = System.nanoTime();

                        @Override
                        public void onStep(io.tuneledger.ml.StepOutcome p) {
                            long now = System.nanoTime();
                            System.out.printf("step %d/%d loss %.4f lr %.2e %.2f s%n", p.step(), p.totalSteps(),
                                    p.loss(), p.learningRate(), (now - last) / 1e9);
                            last = now;
                        }
                    });
            assertEquals(25, result.steps(), "400 examples in batches of 16");
            testIds = test.stream().map(t -> tokenizer.ids(t.text())).toList();
            predicted = BatchPredictor.probabilities(model, tokenizer, testIds, 32, manager);
            ClassificationMetrics metrics = ClassificationMetrics.of(LABELS,
                    test.stream().mapToInt(LabelledText::label).toArray(), BatchPredictor.argmax(predicted));
            System.out.printf("MiniLM, 1 epoch on 400 mails: held-out accuracy %.3f, macro-F1 %.3f%n",
                    metrics.accuracy(), metrics.macroF1());
            assertTrue(metrics.macroF1() >= 0.90, "macro-F1 on 200 held-out mails: " + metrics.macroF1());

            Provenance provenance = Provenance.now(io.tuneledger.ml.TaskType.CLASSIFICATION, base.id(),
                    ModelArtifact.sha256(base.openOnnx()), "sample@test", config, LABELS, result.bestValidation(),
                    new DjlModelEngine().versions());
            ModelArtifact.save(artifact, model, LABELS, tokenizerJson, provenance.toJson());
        }

        ModelArtifact.Loaded loaded = ModelArtifact.load(artifact);
        assertEquals(LABELS, loaded.labels());
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                TextTokenizer tokenizer = TextTokenizer.load(Files.newInputStream(loaded.tokenizer()), 64);
                BertClassifierModel model = ModelArtifact.classifier(manager, loaded)) {
            float[][] again = BatchPredictor.probabilities(model, tokenizer, testIds, 32, manager);
            for (int i = 0; i < again.length; i++) {
                assertArrayEquals(predicted[i], again[i], 0f, "probabilities of test mail " + i);
            }
        }
    }
}
