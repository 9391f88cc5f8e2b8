package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.bench.BenchData;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.StartingPoint;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.weights.LoraWeights;
import io.tuneledger.ml.weights.SafeTensors;
import io.tuneledger.ml.weights.Tensor;
import io.tuneledger.ml.weights.WeightsException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA: adapters on a frozen encoder. A run interrupted and resumed ends with the same adapters bit for bit, its
 * training state holds adapters and head only and the encoder does not move; on real MiniLM weights one epoch on the
 * bundled mails makes a good classifier saved as PEFT's adapter directory, which loads back (merged into the base)
 * predicting what the trained model predicted.
 */
class LoraTest {

    static final List<String> LABELS = List.of("ham", "spam");

    @TempDir
    Path dir;

    static TrainingConfig lora(TrainingConfig.Builder builder, int rank, List<String> targets) {
        return builder.optMode(TrainingConfig.TrainMode.LORA).build().withTaskSettings(Map.of(
                TrainingParameters.LORA_RANK.name(), rank, TrainingParameters.LORA_ALPHA.name(), 2f * rank,
                TrainingParameters.LORA_DROPOUT.name(), 0.1f, TrainingParameters.LORA_TARGETS.name(), targets));
    }

    private record Run(Map<String, Tensor> weights, FineTuner.Result result) {
    }

    private Run tinyRun(Path checkpoints, int failAtStep) throws Exception {
        TrainingConfig config = lora(TrainingConfig.builder().optEpochs(3).optBatchSize(8).optLearningRate(1e-2f)
                .optMaxLength(24).optCheckpointEverySteps(4), 4, List.of("query", "value", "dense"));
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                InputStream in = BaseModel.ALL_MINILM_L6_V2.openTokenizer();
                TextTokenizer tokenizer = TextTokenizer.load(in, 24);
                BertClassifierModel model = DjlClassificationTask.withAdapters(BertClassifierModel.create(manager,
                        FineTunerResumeTest.TINY, 2, FineTunerResumeTest.randomEncoder(1), null, 5), config)) {
            FineTunerResumeTest.data();
            FineTuner.Result result = new FineTuner(config, LABELS, checkpoints).train(model, tokenizer,
                    FineTunerResumeTest.train, FineTunerResumeTest.validation,
                    FineTunerResumeTest.crashingAt(failAtStep));
            return new Run(model.toTensors(), result);
        }
    }

    @Test
    void anInterruptedLoraRunResumesToTheSameAdaptersAndItsStateHoldsOnlyWhatTrains() throws Exception {
        Run a = tinyRun(dir.resolve("a"), -1);
        assertThrows(IllegalStateException.class, () -> tinyRun(dir.resolve("b"), 11));
        try (Stream<Path> files = Files.list(dir.resolve("b"))) {
            for (Path state : files.filter(f -> f.toString().endsWith(".safetensors")).toList()) {
                Set<String> names = SafeTensors.read(state).tensors().keySet().stream()
                        .map(n -> n.replaceFirst("^(param|adam)\\.([mv]\\.)?", "")).collect(Collectors.toSet());
                assertTrue(names.stream().allMatch(n -> n.startsWith("classifier.") || n.contains(".lora_")),
                        state + " holds " + names);
            }
        }
        Run b = tinyRun(dir.resolve("b"), -1);
        assertTrue(b.result().resumed());
        assertEquals(a.result().losses(), b.result().losses());
        for (String name : a.weights().keySet()) {
            assertArrayEquals(a.weights().get(name).data(), b.weights().get(name).data(), 0f, name);
        }
        Map<String, Tensor> base = FineTunerResumeTest.randomEncoder(1);
        for (String name : base.keySet()) {
            assertArrayEquals(base.get(name).data(), a.weights().get(name).data(), 0f, "frozen: " + name);
        }
        Tensor b0 = a.weights().get("encoder.layer.0.attention.self.query" + LoraWeights.B);
        assertTrue(maxAbs(b0) > 0, "the adapters trained (B starts at zero)");
    }

    private static float maxAbs(Tensor t) {
        float max = 0;
        for (float v : t.data()) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    @Test
    void loraOnMiniLmMakesAGoodClassifierSavedAsAdaptersThatLoadBackMerged() throws Exception {
        List<LabelledText> all = BenchData.sample();
        List<LabelledText> train = all.subList(0, 400);
        List<LabelledText> validation = all.subList(400, 500);
        List<LabelledText> test = all.subList(500, 700);
        TrainingConfig config = lora(TrainingConfig.builder().optEpochs(1).optLearningRate(3e-3f).optMaxLength(64),
                8, List.of("query", "value"));
        StartingWeights start = StartingWeights.of(BaseModel.ALL_MINILM_L6_V2);
        Path artifact = dir.resolve("adapter");
        float[][] trained;
        List<long[]> ids;
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                TextTokenizer tokenizer = TextTokenizer.load(new java.io.ByteArrayInputStream(start.tokenizerJson()),
                        64);
                BertClassifierModel model = DjlClassificationTask.withAdapters(BertClassifierModel.create(manager,
                        start.config(), 2, start.encoder(), null, 42), config)) {
            new FineTuner(config, LABELS, dir.resolve("checkpoints")).train(model, tokenizer, train, validation,
                    new FineTuner.Listener() { });
            ids = test.stream().map(t -> tokenizer.ids(t.text())).toList();
            trained = BatchPredictor.probabilities(model, tokenizer, ids, 32, manager);
            ClassificationMetrics m = ClassificationMetrics.of(LABELS, test.stream().mapToInt(LabelledText::label)
                    .toArray(), BatchPredictor.argmax(trained));
            assertTrue(m.macroF1() >= 0.85, "LoRA test macro-F1 " + m.macroF1());
            ModelArtifact.saveLora(artifact, model, LABELS, start.tokenizerJson(), Json.createObjectBuilder()
                    .add("training", Json.createObjectBuilder().add(TrainingParameters.MAX_LENGTH.name(), 64))
                    .build(), StartingPoint.of(BaseModel.ALL_MINILM_L6_V2));
        }
        try (Stream<Path> files = Files.list(artifact)) {
            assertEquals(Set.of("adapter_config.json", "adapter_model.safetensors", "tokenizer.json",
                    "provenance.json", "tuneledger_adapter.json", "SHA256SUMS"),
                    files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()));
        }
        assertTrue(Files.size(artifact.resolve(ModelArtifact.ADAPTER_WEIGHTS)) < 1_000_000,
                "adapters only: " + Files.size(artifact.resolve(ModelArtifact.ADAPTER_WEIGHTS)) + " bytes");
        JsonObject peft = Json.createReader(Files.newBufferedReader(artifact.resolve("adapter_config.json")))
                .readObject();
        assertEquals("LORA", peft.getString("peft_type"));
        assertEquals(8, peft.getInt("r"));
        assertTrue(SafeTensors.read(artifact.resolve(ModelArtifact.ADAPTER_WEIGHTS)).tensors().containsKey(
                "base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight"));

        Path merged = ModelArtifact.merged(artifact);
        assertEquals(ModelArtifact.MERGED_DIR, merged.getFileName().toString());
        try (ClassifierPredictor p = ClassifierPredictor.load(merged, true)) {
            List<io.tuneledger.ml.Predictor.Prediction> again = p.predict(test.stream().map(LabelledText::text)
                    .toList());
            for (int i = 0; i < trained.length; i++) {
                assertEquals(trained[i][1], again.get(i).probabilities().get("spam"), 1e-4, "text " + i);
            }
        }

        // Adapters whose base model has other weights than those they were trained on are refused.
        assertEquals(LABELS, ModelArtifact.load(artifact).labels());
        Path copy = Files.createDirectories(dir.resolve("tampered"));
        for (String f : List.of("adapter_config.json", "adapter_model.safetensors", "tokenizer.json",
                "provenance.json")) {
            Files.copy(artifact.resolve(f), copy.resolve(f));
        }
        Files.writeString(copy.resolve(ModelArtifact.ADAPTER_BASE), Files.readString(artifact.resolve(
                ModelArtifact.ADAPTER_BASE)).replaceAll("\"baseWeightsSha256\"\\s*:\\s*\"[0-9a-f]+\"",
                        "\"baseWeightsSha256\": \"00\""));
        WeightsException e = assertThrows(WeightsException.class, () -> ModelArtifact.load(copy));
        assertTrue(e.getMessage().contains("not the 00 they were trained on"), e.getMessage());
    }
}
