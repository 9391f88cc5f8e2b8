package io.tuneledger.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.StartingPoint;
import io.tuneledger.ml.StepOutcome;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.djl.BatchPredictor;
import io.tuneledger.ml.djl.BertClassifierModel;
import io.tuneledger.ml.djl.FineTuner;
import io.tuneledger.ml.djl.ModelArtifact;
import io.tuneledger.ml.djl.StartingWeights;
import io.tuneledger.ml.djl.TextTokenizer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Full fine-tuning against LoRA, one per process (bench/lora.sh runs both), on the same data and budget: MiniLM, one
 * epoch at 128 tokens, batch 16. Prints seconds per step (median after two warm-up steps), peak resident memory, the
 * size of what is saved (training state and artifact weights) and held-out accuracy and macro-F1. Arguments: mode
 * (full or lora), labelled JSONL file, records to train on, held-out records, learning rate, LoRA rank.
 */
public final class LoraBench {

    private static final List<String> LABELS = BenchData.LABELS;

    private LoraBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean lora = args[0].equals("lora");
        List<LabelledText> all = new ArrayList<>(BenchData.mails(Path.of(args[1])));
        Collections.shuffle(all, new Random(42));
        int trainCount = Integer.parseInt(args[2]);
        int heldOutCount = Integer.parseInt(args[3]);
        float learningRate = Float.parseFloat(args[4]);
        int rank = Integer.parseInt(args[5]);
        List<LabelledText> train = all.subList(0, trainCount);
        List<LabelledText> validation = all.subList(trainCount, trainCount + 64);
        List<LabelledText> heldOut = all.subList(trainCount + 64, Math.min(all.size(), trainCount + 64 + heldOutCount));
        TrainingConfig.Builder builder = TrainingConfig.builder().optEpochs(1).optLearningRate(learningRate)
                .optMaxLength(128).optCheckpointEverySteps(10);
        TrainingConfig config = lora
                ? builder.optMode(TrainingConfig.TrainMode.LORA).build().withTaskSettings(Map.of(
                        TrainingParameters.LORA_RANK.name(), rank, TrainingParameters.LORA_ALPHA.name(), 2f * rank,
                        TrainingParameters.LORA_DROPOUT.name(), 0.1f, TrainingParameters.LORA_TARGETS.name(),
                        List.of("query", "value")))
                : builder.build();
        StartingWeights start = StartingWeights.of(BaseModel.ALL_MINILM_L6_V2);
        Path work = Files.createTempDirectory("lora-bench");
        long[] stepNanos = new long[(trainCount + 15) / 16];
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                TextTokenizer tokenizer = TextTokenizer.load(new ByteArrayInputStream(start.tokenizerJson()), 128);
                BertClassifierModel model = BertClassifierModel.create(manager, start.config(), 2, start.encoder(),
                        null, 42)) {
            if (lora) {
                model.addLora(config.lora(), config.seed());
            }
            long[] last = {System.nanoTime()};
            new FineTuner(config, LABELS, work.resolve("checkpoints")).train(model, tokenizer, train, validation,
                    new FineTuner.Listener() {
                        @Override
                        public void onStep(StepOutcome p) {
                            long now = System.nanoTime();
                            stepNanos[p.step() - 1] = now - last[0];
                            last[0] = now;
                        }
                    });
            double[] steady = Arrays.stream(stepNanos).skip(2).mapToDouble(n -> n / 1e9).sorted().toArray();
            System.out.printf("seconds_per_step=%.3f%n", steady[steady.length / 2]);
            System.out.printf("peak_rss_mb=%d%n", BenchData.status("VmHWM") / 1024);
            long state = 0;
            try (var files = Files.list(work.resolve("checkpoints"))) {
                for (Path f : files.toList()) {
                    state = Math.max(state, Files.size(f));
                }
            }
            System.out.printf("training_state_mb=%.2f%n", state / 1e6);
            Path artifact = work.resolve("artifact");
            JsonObject provenance = Json.createObjectBuilder().add("training", Json.createObjectBuilder()
                    .add(TrainingParameters.MAX_LENGTH.name(), 128)).build();
            if (lora) {
                ModelArtifact.saveLora(artifact, model, LABELS, start.tokenizerJson(), provenance,
                        StartingPoint.of(BaseModel.ALL_MINILM_L6_V2));
                System.out.printf("artifact_weights_mb=%.2f%n",
                        Files.size(artifact.resolve(ModelArtifact.ADAPTER_WEIGHTS)) / 1e6);
            } else {
                ModelArtifact.save(artifact, model, LABELS, start.tokenizerJson(), provenance);
                System.out.printf("artifact_weights_mb=%.2f%n",
                        Files.size(artifact.resolve(ModelArtifact.WEIGHTS)) / 1e6);
            }
            List<long[]> ids = heldOut.stream().map(t -> tokenizer.ids(t.text())).toList();
            int[] predicted = BatchPredictor.argmax(BatchPredictor.probabilities(model, tokenizer, ids, 32, manager));
            ClassificationMetrics m = ClassificationMetrics.of(LABELS, heldOut.stream()
                    .mapToInt(LabelledText::label).toArray(), predicted);
            System.out.println("held_out=" + heldOut.size());
            System.out.printf("accuracy=%.4f%n", m.accuracy());
            System.out.printf("macro_f1=%.4f%n", m.macroF1());
        }
    }
}
