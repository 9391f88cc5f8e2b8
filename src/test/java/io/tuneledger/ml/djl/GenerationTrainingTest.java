package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.GenerationSettings;
import io.tuneledger.ml.ResponseMetrics;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.weights.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instruction tuning of a tiny decoder (the Qwen2-shaped parity model) on the shared training session: LoRA on the
 * query, value and output projections learns a task the random model cannot do (reverse three tokens), lowering the
 * response loss and raising response-token accuracy while the base weights stay as loaded, and the adapters on a
 * fresh base answer held-out prompts in the trained form; a run saved mid-way and restored into a new model and
 * session ends with the same adapters, bit for bit, as an uninterrupted run.
 */
class GenerationTrainingTest {

    static final Path MODEL = DecoderParityTest.GOLDEN.resolve("qwen2-mqa-tied-fp16");
    static final int STOP = 2;

    @TempDir
    Path dir;

    /** Prompt {@code 1 x y z 3}, response {@code z y x 2}. */
    static List<GenerationObjective.Example> examples(int n, long seed) {
        Random random = new Random(seed);
        List<GenerationObjective.Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int x = 10 + random.nextInt(12);
            int y = 10 + random.nextInt(12);
            int z = 10 + random.nextInt(12);
            out.add(new GenerationObjective.Example(new int[] {1, x, y, z, 3}, new int[] {z, y, x, STOP}));
        }
        return out;
    }

    static TrainingConfig config() {
        return LoraTest.lora(TrainingConfig.builder().optEpochs(3).optBatchSize(8).optLearningRate(2e-2f)
                .optWarmupRatio(0f).optMaxLength(16), 8, List.of("query", "value", "o_proj"));
    }

    private record Run(Map<String, Tensor> adapters, ResponseMetrics before, ResponseMetrics after,
            Map<String, Tensor> base) {
    }

    /** Trains to the end; with {@code stopAt} > 0, saves the state there and continues in a fresh model and session. */
    private Run train(Path work, int stopAt) throws Exception {
        List<GenerationObjective.Example> train = examples(512, 1);
        List<GenerationObjective.Example> validation = examples(16, 2);
        TrainingConfig config = config();
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            Path state = null;
            ResponseMetrics before = null;
            while (true) {
                try (DecoderModel model = DecoderModel.load(manager, MODEL)) {
                    model.addLora(config.lora(), 5);
                    GenerationObjective objective = new GenerationObjective(model, train, validation);
                    if (before == null) {
                        before = objective.measure(validation, 16, manager);
                    }
                    try (DjlTrainingSession session = new DjlTrainingSession(config, objective, work)) {
                        if (state != null) {
                            session.restore(state);
                        }
                        while (!session.finished()) {
                            session.step();
                            if (state == null && session.steps() == stopAt) {
                                break;
                            }
                        }
                        if (!session.finished()) {
                            state = work.resolve("state.safetensors");
                            session.save(state);
                            continue;
                        }
                        ResponseMetrics after = objective.measure(validation, 16, manager);
                        return new Run(model.toTensors(DecoderModel::isAdapter), before, after,
                                model.toTensors(n -> !DecoderModel.isAdapter(n)));
                    }
                }
            }
        }
    }

    @Test
    void loraLearnsTheResponsesAndResumesToTheSameAdapters() throws Exception {
        Run whole = train(dir.resolve("whole"), 0);
        assertTrue(whole.after.crossEntropy() < whole.before.crossEntropy() - 1.0,
                "response loss " + whole.before.crossEntropy() + " -> " + whole.after.crossEntropy());
        assertTrue(whole.after.tokenAccuracy() >= whole.before.tokenAccuracy() + 0.3,
                "response token accuracy " + whole.before.tokenAccuracy() + " -> " + whole.after.tokenAccuracy());
        // Generation with the trained adapters on a fresh base: held-out prompts get answers in the trained form
        // (three of the prompt's kind of token, then the stop token), which the base model never gives.
        List<int[]> prompts = examples(16, 3).stream().map(GenerationObjective.Example::prompt).toList();
        GenerationSettings settings = GenerationSettings.greedy(6, Set.of(STOP));
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                DecoderModel fresh = DecoderModel.load(manager, MODEL)) {
            Map<String, Tensor> loaded = fresh.toTensors(name -> true);
            whole.base.forEach((name, t) -> assertArrayEquals(loaded.get(name).data(), t.data(), name + " changed"));
            assertEquals(0, wellFormed(Generator.generate(fresh, manager, prompts, settings)));
            fresh.addLora(config().lora(), 5);
            fresh.load(whole.adapters);
            assertTrue(wellFormed(Generator.generate(fresh, manager, prompts, settings)) >= 12);
        }
        // Three layers, three targeted projections, A and B each.
        assertEquals(18, whole.adapters.size(), whole.adapters.keySet().toString());
        Run resumed = train(dir.resolve("resumed"), 13);
        assertEquals(whole.adapters.keySet(), resumed.adapters.keySet());
        whole.adapters.forEach((name, t) -> assertArrayEquals(t.data(), resumed.adapters.get(name).data(),
                name + " differs after the resume"));
    }

    @Test
    void headModeAndUnknownTargetsAreRefused() throws Exception {
        TrainingConfig head = TrainingConfig.builder().optMode(TrainingConfig.TrainMode.HEAD).build();
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                DecoderModel model = DecoderModel.load(manager, MODEL)) {
            GenerationObjective objective = new GenerationObjective(model, examples(8, 1), examples(4, 2));
            var e = assertThrows(IllegalArgumentException.class, () -> new DjlTrainingSession(head, objective, dir));
            assertTrue(e.getMessage().contains("train.mode=head does not apply to a decoder"), e.getMessage());
            var bad = assertThrows(IllegalArgumentException.class, () -> model.addLora(
                    new TrainingConfig.Lora(4, 8, 0, List.of("dense")), 1));
            assertTrue(bad.getMessage().contains("'dense' is not a projection of a decoder"), bad.getMessage());
        }
    }

    private static int wellFormed(List<Generator.Generation> answers) {
        int n = 0;
        for (Generator.Generation g : answers) {
            boolean ok = g.stopped() && g.tokens().length == 3;
            for (int t : g.tokens()) {
                ok &= t >= 10 && t < 22;
            }
            n += ok ? 1 : 0;
        }
        return n;
    }
}
