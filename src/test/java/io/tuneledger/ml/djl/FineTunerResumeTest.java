package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.EncoderConfig;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.weights.BertWeights;
import io.tuneledger.ml.weights.Tensor;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact resume on a tiny random encoder: a run interrupted at an arbitrary step and resumed from its last saved state
 * ends with the same weights, bit for bit, as an uninterrupted run with the same seed.
 */
class FineTunerResumeTest {

    static final List<String> LABELS = List.of("ham", "spam");
    static final EncoderConfig TINY = EncoderConfig.tiny(30522);
    static List<LabelledText> train;
    static List<LabelledText> validation;

    @TempDir
    Path dir;

    @BeforeAll
    static void data() {
        Random random = new Random(7);
        String[] hamWords = {"meeting", "report", "thanks", "review", "lunch", "project", "schedule", "notes"};
        String[] spamWords = {"free", "winner", "cash", "offer", "click", "prize", "cheap", "urgent"};
        List<LabelledText> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int label = i % 2;
            String[] words = label == 0 ? hamWords : spamWords;
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 5 + random.nextInt(10); w++) {
                text.append(words[random.nextInt(words.length)]).append(' ');
            }
            all.add(new LabelledText("t" + i, text.toString(), label));
        }
        train = all.subList(0, 44);
        validation = all.subList(44, 60);
    }

    /** A random tiny encoder (normal 0.02, LayerNorm gains 1, biases 0), the same for the same seed. */
    static Map<String, Tensor> randomEncoder(long seed) {
        Random random = new Random(seed);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        BertWeights.encoderShapes(TINY).forEach((name, shape) -> {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            float[] data = new float[(int) n];
            boolean gain = name.endsWith("LayerNorm.weight");
            for (int i = 0; i < data.length; i++) {
                data[i] = gain ? 1f : name.endsWith(".bias") ? 0f : (float) (random.nextGaussian() * 0.02);
            }
            weights.put(name, new Tensor(name, shape, data));
        });
        return weights;
    }

    private static TrainingConfig.Builder configBuilder() {
        return TrainingConfig.builder().optEpochs(3).optBatchSize(8).optLearningRate(1e-3f).optMaxLength(24)
                .optCheckpointEverySteps(4);
    }

    private static TrainingConfig config() {
        return configBuilder().build();
    }

    private record Run(Map<String, Tensor> weights, FineTuner.Result result) {
    }

    private Run run(Path checkpoints, int failAtStep) throws Exception {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                InputStream in = BaseModel.ALL_MINILM_L6_V2.openTokenizer();
                TextTokenizer tokenizer = TextTokenizer.load(in, 24);
                BertClassifierModel model = BertClassifierModel.create(manager, TINY, 2, randomEncoder(1), null, 5)) {
            FineTuner tuner = new FineTuner(config(), LABELS, checkpoints);
            FineTuner.Result result = tuner.train(model, tokenizer, train, validation, crashingAt(failAtStep));
            return new Run(model.toTensors(), result);
        }
    }

    /** A listener that throws after step {@code step}, as a crash would stop the run there (-1: never). */
    static FineTuner.Listener crashingAt(int step) {
        return new FineTuner.Listener() {
            @Override
            public void onStep(io.tuneledger.ml.StepOutcome progress) {
                if (progress.step() == step) {
                    throw new IllegalStateException("simulated crash at step " + step);
                }
            }
        };
    }

    @Test
    void aRunInterruptedAtStep11AndResumedEndsWithIdenticalWeights() throws Exception {
        Run a = run(dir.resolve("a"), -1);
        Map<String, Tensor> uninterrupted = a.weights();

        IllegalStateException crash = assertThrows(IllegalStateException.class, () -> run(dir.resolve("b"), 11));
        assertTrue(crash.getMessage().contains("step 11"));
        Run b = run(dir.resolve("b"), -1);
        Map<String, Tensor> resumed = b.weights();
        assertFalse(a.result().resumed());
        assertTrue(b.result().resumed(), "the second run started from the saved state (step 8), not from scratch");
        assertEquals(a.result().steps(), b.result().steps());
        assertEquals(a.result().losses(), b.result().losses(), "the same loss at every step");

        assertEquals(uninterrupted.keySet(), resumed.keySet());
        for (String name : uninterrupted.keySet()) {
            assertArrayEquals(uninterrupted.get(name).data(), resumed.get(name).data(), 0f, name);
        }
    }

    /**
     * Two trainings at once in one process (two jobs on a server, parallel folds or trials) both finish, each with the
     * weights it has when it runs alone: DJL's PyTorch engine allows one gradient collector at a time.
     */
    @Test
    void twoTrainingsAtOnceEachEndWithTheWeightsOfARunAlone() throws Exception {
        Map<String, Tensor> alone = run(dir.resolve("alone"), -1).weights();
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<Run>> runs = List.of(two.submit(() -> run(dir.resolve("x"), -1)),
                    two.submit(() -> run(dir.resolve("y"), -1)));
            for (java.util.concurrent.Future<Run> r : runs) {
                Map<String, Tensor> together = r.get().weights();
                for (String name : alone.keySet()) {
                    assertArrayEquals(alone.get(name).data(), together.get(name).data(), 0f, name);
                }
            }
        } finally {
            two.shutdownNow();
        }
    }

    @Test
    void trainingStopsAfterPatienceEpochsWithoutImprovementAndKeepsTheBestEpoch() throws Exception {
        // A learning rate far below float32 resolution leaves the weights unchanged, so validation never improves
        // after the first epoch: with patience 2 the run must stop after epoch 3 of 5.
        TrainingConfig frozen = configBuilder().optEpochs(5).optLearningRate(1e-30f).build();
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                InputStream in = BaseModel.ALL_MINILM_L6_V2.openTokenizer();
                TextTokenizer tokenizer = TextTokenizer.load(in, 24);
                BertClassifierModel model = BertClassifierModel.create(manager, TINY, 2, randomEncoder(1), null, 5)) {
            List<Integer> epochs = new ArrayList<>();
            FineTuner.Result result = new FineTuner(frozen, LABELS, dir.resolve("early")).train(model, tokenizer,
                    train, validation, new FineTuner.Listener() {
                        @Override
                        public void onEpoch(int epoch, io.tuneledger.ml.TaskMetrics metrics, boolean improved) {
                            assertEquals(epoch == 0, improved, "only the first epoch improves");
                            epochs.add(epoch);
                        }
                    });
            assertTrue(result.stoppedEarly());
            assertEquals(List.of(0, 1, 2), epochs);
            assertEquals(0, result.bestEpoch());
            assertEquals(3 * 6, result.steps(), "three epochs of 6 batches (44 examples, batch 8)");
            assertEquals(3, result.validationMacroF1().size());
        }
    }

    @Test
    void trainingMovesTheWeightsAndHeadModeLeavesTheEncoderAlone() throws Exception {
        Map<String, Tensor> initial = randomEncoder(1);
        Map<String, Tensor> full = run(dir.resolve("full"), -1).weights();
        assertFalse(java.util.Arrays.equals(initial.get("encoder.layer.0.attention.self.query.weight").data(),
                full.get("encoder.layer.0.attention.self.query.weight").data()), "full mode trains the encoder");

        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                InputStream in = BaseModel.ALL_MINILM_L6_V2.openTokenizer();
                TextTokenizer tokenizer = TextTokenizer.load(in, 24);
                BertClassifierModel model = BertClassifierModel.create(manager, TINY, 2, initial, null, 5)) {
            Map<String, Tensor> before = model.toTensors();
            new FineTuner(configBuilder().optMode(TrainingConfig.TrainMode.HEAD).build(), LABELS, dir.resolve("head"))
                    .train(model, tokenizer, train, validation, new FineTuner.Listener() { });
            Map<String, Tensor> after = model.toTensors();
            for (String name : before.keySet()) {
                boolean same = java.util.Arrays.equals(before.get(name).data(), after.get(name).data());
                assertEquals(!name.startsWith("classifier."), same, name);
            }
        }
    }
}
