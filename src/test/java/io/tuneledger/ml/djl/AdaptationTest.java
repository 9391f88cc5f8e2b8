package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.AdaptationMetrics;
import io.tuneledger.ml.Baseline;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.RunSpec;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.StartingPoint;
import io.tuneledger.ml.TaskRun;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.weights.SafeTensors;
import io.tuneledger.ml.weights.Tensor;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Domain adaptation (masked-language-model continued pre-training): the masking follows BERT's recipe and its seed;
 * a run killed part-way and resumed ends with the same weights as an uninterrupted one (tiny random encoder); and on
 * real weights (all-MiniLM-L6-v2, whose jar has no masked-LM head) and bundled e-mails, adapting the encoder predicts
 * held-out hidden tokens better than training the head alone on the frozen encoder, and the artifact is a
 * {@code BertForMaskedLM} directory that loads back, head included, and starts a classifier.
 */
class AdaptationTest {

    private static final MaskedTokens.Vocabulary VOCABULARY = new MaskedTokens.Vocabulary(103, 30522,
            Set.of(0L, 100L, 101L, 102L, 103L));

    @TempDir
    Path dir;

    @Test
    void maskingHidesAboutTheAskedShareNeverSpecialTokensAndFollowsTheSeed() {
        long[] ids = new long[2002];
        ids[0] = 101;
        ids[2001] = 102;
        for (int i = 1; i < 2001; i++) {
            ids[i] = 1000 + i;
        }
        MaskedTokens a = MaskedTokens.mask(ids, new Random(7), 0.15f, VOCABULARY);
        MaskedTokens b = MaskedTokens.mask(ids, new Random(7), 0.15f, VOCABULARY);
        MaskedTokens c = MaskedTokens.mask(ids, new Random(8), 0.15f, VOCABULARY);
        assertArrayEquals(a.ids(), b.ids());
        assertArrayEquals(a.positions(), b.positions());
        assertFalse(Arrays.equals(a.positions(), c.positions()), "another seed hides other tokens");
        assertTrue(a.positions().length > 240 && a.positions().length < 360, "about 15% of 2000: "
                + a.positions().length);
        int masks = 0;
        int kept = 0;
        for (int k = 0; k < a.positions().length; k++) {
            int p = a.positions()[k];
            assertTrue(p > 0 && p < 2001, "[CLS] and [SEP] are never hidden");
            assertEquals(ids[p], a.targets()[k], "the target is the original token");
            masks += a.ids()[p] == 103 ? 1 : 0;
            kept += a.ids()[p] == ids[p] ? 1 : 0;
        }
        double n = a.positions().length;
        assertTrue(masks / n > 0.7 && masks / n < 0.9, "about 80% become [MASK]: " + masks / n);
        assertTrue(kept / n > 0.04 && kept / n < 0.17, "about 10% stay: " + kept / n);
        for (int i = 0; i < ids.length; i++) {
            if (Arrays.binarySearch(a.positions(), i) < 0) {
                assertEquals(ids[i], a.ids()[i], "a token not chosen is unchanged");
            }
        }
        MaskedTokens shortText = MaskedTokens.mask(new long[] {101, 2000, 102}, new Random(1), 0.01f, VOCABULARY);
        assertArrayEquals(new int[] {1}, shortText.positions(), "every text has at least one hidden token");
        assertEquals(0, MaskedTokens.mask(new long[] {101, 102}, new Random(1), 0.5f, VOCABULARY).positions().length);
    }

    @Test
    void aResumedRunEndsWithTheWeightsOfAnUninterruptedOne() throws Exception {
        Map<String, Tensor> uninterrupted = tinyRun(dir.resolve("straight"), -1);
        Map<String, Tensor> resumed = tinyRun(dir.resolve("killed"), 5);
        assertEquals(uninterrupted.keySet(), resumed.keySet());
        assertTrue(uninterrupted.containsKey(MaskedLmHead.DENSE_WEIGHT), "the head is part of the state");
        uninterrupted.forEach((name, t) -> assertArrayEquals(t.data(), resumed.get(name).data(), name));
        Map<String, Tensor> otherSeed = tinyRun(dir.resolve("other"), -1, 43);
        assertFalse(Arrays.equals(uninterrupted.get(MaskedLmHead.DENSE_WEIGHT).data(),
                otherSeed.get(MaskedLmHead.DENSE_WEIGHT).data()), "the seed matters");
    }

    private Map<String, Tensor> tinyRun(Path checkpoints, int failAtStep) throws Exception {
        return tinyRun(checkpoints, failAtStep, 42);
    }

    private Map<String, Tensor> tinyRun(Path checkpoints, int failAtStep, long seed) throws Exception {
        TrainingConfig config = TrainingConfig.builder().optEpochs(2).optBatchSize(4).optLearningRate(1e-3f)
                .optMaxLength(24).optCheckpointEverySteps(3).optSeed(seed).build()
                .withTaskSettings(Map.of(TrainingParameters.ADAPT_MASK_PROBABILITY.name(), 0.15f));
        List<String> texts = texts().subList(0, 24);
        for (int attempt = 0; attempt < 2; attempt++) {
            try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                    InputStream in = BaseModel.ALL_MINILM_L6_V2.openTokenizer();
                    TextTokenizer tokenizer = TextTokenizer.load(in, 24);
                    BertClassifierModel model = BertClassifierModel.encoderOnly(manager, FineTunerResumeTest.TINY,
                            FineTunerResumeTest.randomEncoder(1));
                    MaskedLmHead head = MaskedLmHead.create(manager, FineTunerResumeTest.TINY, Map.of(), seed)) {
                AdaptationObjective objective = new AdaptationObjective(model, head, tokenizer, VOCABULARY, 0.15f,
                        seed, texts.subList(0, 16), texts.subList(16, 24));
                int fail = attempt == 0 ? failAtStep : -1;
                try (DjlTrainingSession session = new DjlTrainingSession(config, objective, checkpoints)) {
                    new FineTuner(config, List.of(), checkpoints).run(session, objective, new FineTuner.Listener() {
                        @Override
                        public void onStep(io.tuneledger.ml.StepOutcome outcome) {
                            if (outcome.step() == fail) {
                                throw new IllegalStateException("killed at step " + fail);
                            }
                        }
                    }, () -> false);
                    return objective.weights();
                } catch (IllegalStateException killed) {
                    assertEquals("killed at step " + failAtStep, killed.getMessage());
                }
            }
        }
        throw new AssertionError("the resumed run did not finish");
    }

    /**
     * 96 e-mails of the bundled sample (their ends, where the words are), 2 epochs at 64 tokens: the adapted encoder
     * predicts the test split's hidden tokens better than the frozen encoder with the same head trained alone.
     */
    @Test
    void adaptingTheEncoderBeatsTheFrozenEncoderAndSavesAMaskedLanguageModel() throws Exception {
        Path data = dir.resolve("corpus");
        Files.createDirectories(data);
        List<String> texts = texts();
        write(data.resolve(Split.TRAIN.fileName()), texts.subList(0, 96));
        write(data.resolve(Split.VALIDATION.fileName()), texts.subList(96, 120));
        write(data.resolve(Split.TEST.fileName()), texts.subList(120, 150));
        TrainingConfig config = TrainingConfig.builder().optEpochs(2).optBatchSize(16).optLearningRate(2e-4f)
                .optMaxLength(64).optCheckpointEverySteps(100).build()
                .withTaskSettings(Map.of(TrainingParameters.ADAPT_MASK_PROBABILITY.name(), 0.15f));
        DjlAdaptationTask task = new DjlAdaptationTask();
        RunSpec spec = new RunSpec(data, "corpus v1", StartingPoint.of(BaseModel.ALL_MINILM_L6_V2), config);
        Baseline baseline;
        try (TaskRun run = task.open(spec)) {
            baseline = run.baseline(dir.resolve("baseline"), () -> false);
        }
        AdaptationMetrics adapted;
        Path artifact = dir.resolve("artifact");
        try (TaskRun run = task.open(spec)) {
            var session = (DjlTrainingSession) run.newSession(dir.resolve("train"));
            while (!session.finished()) {
                session.step();
            }
            run.loadWeights(session.bestWeights());
            session.close();
            adapted = (AdaptationMetrics) run.evaluate(Split.TEST);
            run.export(artifact, Json.createObjectBuilder().add("training", Json.createObjectBuilder()
                    .add(TrainingParameters.MAX_LENGTH.name(), 64)).build());
        }
        AdaptationMetrics frozen = (AdaptationMetrics) baseline.test();
        assertEquals(frozen.maskedTokens(), adapted.maskedTokens(), "the same hidden tokens are measured");
        assertTrue(adapted.maskedAccuracy() > frozen.maskedAccuracy() + 0.02, "adapted " + adapted.describe()
                + " against frozen encoder " + frozen.describe());
        assertTrue(adapted.perplexity() < frozen.perplexity(), adapted.describe() + " / " + frozen.describe());

        JsonObject config2;
        try (JsonReader r = Json.createReader(new StringReader(Files.readString(artifact.resolve("config.json"))))) {
            config2 = r.readObject();
        }
        assertEquals("BertForMaskedLM", config2.getJsonArray("architectures").getString(0));
        Set<String> names = SafeTensors.read(artifact.resolve(ModelArtifact.WEIGHTS)).tensors().keySet();
        assertTrue(names.contains("bert.embeddings.word_embeddings.weight"), names.toString());
        assertTrue(names.containsAll(MaskedLmHead.NAMES), names.toString());
        assertFalse(names.contains("cls.predictions.decoder.weight"), "tied to the word embeddings, not saved twice");
        ModelArtifact.Loaded loaded = ModelArtifact.load(artifact);
        assertEquals(MaskedLmHead.NAMES, List.copyOf(loaded.maskedLmHead().keySet()));
        assertTrue(loaded.labels().isEmpty());
        assertNotEquals(0, loaded.encoder().size());
        StartingWeights start = StartingWeights.of(artifact, "adapted:1");
        assertEquals(null, start.head(), "a classifier started from it gets a new head");
        assertThrows(IllegalStateException.class, () -> task.predictor(artifact));
    }

    /** Texts of the bundled e-mails: their last 400 characters, where the message is. */
    static List<String> texts() throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("samples", "spamassassin-sample.jsonl"))) {
            try (JsonReader r = Json.createReader(new StringReader(line))) {
                String text = r.readObject().getString("text");
                out.add(text.substring(Math.max(0, text.length() - 400)));
            }
        }
        return out;
    }

    private static void write(Path file, List<String> texts) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < texts.size(); i++) {
            lines.append(Json.createObjectBuilder().add("id", file.getFileName() + "-" + i).add("text", texts.get(i))
                    .build()).append('\n');
        }
        Files.writeString(file, lines);
    }
}
