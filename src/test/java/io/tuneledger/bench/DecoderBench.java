package io.tuneledger.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.GenerationSettings;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.djl.DecoderModel;
import io.tuneledger.ml.djl.DjlTrainingSession;
import io.tuneledger.ml.djl.GenerationObjective;
import io.tuneledger.ml.djl.Generator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The decoder's benchmark, run by bench/decoder.sh on the model directory it makes (random weights of a real model's
 * shape): LoRA training (rank 8 on the query and value projections, AdamW, loss on the second half of each sequence)
 * on the shared training session, and greedy generation with the key/value cache; the same work as the plain-PyTorch
 * side ({@code bench/decoder_reference.py speed}). Prints one {@code key=value} line per figure.
 *
 * <p>Arguments: {@code dir steps batch length prompt newTokens}.
 */
public final class DecoderBench {

    private DecoderBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int steps = Integer.parseInt(args[1]);
        int batch = Integer.parseInt(args[2]);
        int length = Integer.parseInt(args[3]);
        int prompt = Integer.parseInt(args[4]);
        int newTokens = Integer.parseInt(args[5]);
        int half = length / 2;
        Random random = new Random(7);
        // One batch more than is timed: the last step of the epoch also validates, which is not part of a step.
        List<GenerationObjective.Example> train = new ArrayList<>();
        for (int i = 0; i < batch * (steps + 1); i++) {
            int[] ids = random.ints(length, 1000, 100000).toArray();
            train.add(new GenerationObjective.Example(Arrays.copyOf(ids, half), Arrays.copyOfRange(ids, half, length)));
        }
        TrainingConfig config = TrainingConfig.builder().optMode(TrainingConfig.TrainMode.LORA).optEpochs(1)
                .optBatchSize(batch).optLearningRate(1e-4f).optCheckpointEverySteps(1_000_000).build()
                .withTaskSettings(Map.of(TrainingParameters.LORA_RANK.name(), 8,
                        TrainingParameters.LORA_ALPHA.name(), 16f, TrainingParameters.LORA_DROPOUT.name(), 0f,
                        TrainingParameters.LORA_TARGETS.name(), List.of("query", "value")));
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                DecoderModel model = DecoderModel.load(manager, dir)) {
            model.addLora(config.lora(), 7);
            double[] seconds = new double[steps];
            try (DjlTrainingSession session = new DjlTrainingSession(config,
                    new GenerationObjective(model, train, train.subList(0, 1)), Files.createTempDirectory("bench"))) {
                for (int s = 0; s < steps; s++) {
                    long t0 = System.nanoTime();
                    session.step();
                    seconds[s] = (System.nanoTime() - t0) / 1e9;
                }
            }
            double[] steady = Arrays.stream(seconds).skip(1).sorted().toArray();
            double step = steady[steady.length / 2];
            System.out.printf("train_seconds_per_step=%.3f%n", step);
            System.out.printf("train_tokens_per_second=%.1f%n", batch * length / step);
            int[] promptIds = Arrays.copyOf(train.get(0).prompt(), prompt);
            double generation = 0;
            for (int round = 0; round < 2; round++) {
                long t0 = System.nanoTime();
                Generator.generate(model, manager, List.of(promptIds), GenerationSettings.greedy(newTokens, Set.of()));
                generation = (System.nanoTime() - t0) / 1e9;
            }
            System.out.printf("generation_tokens_per_second=%.1f%n", newTokens / generation);
            System.out.printf("peak_rss_mb=%d%n", BenchData.status("VmHWM") / 1024);
        }
    }
}
