package io.tuneledger.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.djl.BatchPredictor;
import io.tuneledger.ml.djl.BertClassifierModel;
import io.tuneledger.ml.djl.FineTuner;
import io.tuneledger.ml.djl.TextTokenizer;
import io.tuneledger.ml.weights.OnnxBertImporter;
import io.tuneledger.ml.weights.Tensor;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The model core's benchmark, run by bench/model-core.sh: MiniLM training seconds per step (batch 16 x 128 tokens),
 * inference sentences per second (batch 32 x 128), peak resident memory of training, and resident memory over a long
 * inference run (flat means every batch's native memory is freed). Prints one {@code key=value} line per figure.
 *
 * <p>Arguments: {@code speed trainSteps inferenceBatches} (training and inference speed, peak memory of training) or
 * {@code memory sentences} (resident memory over a long inference run).
 */
public final class ModelCoreBench {

    private ModelCoreBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean speed = args.length == 0 || args[0].equals("speed");
        int trainSteps = speed && args.length > 1 ? Integer.parseInt(args[1]) : 12;
        int inferenceBatches = speed && args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int longRun = !speed && args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        BaseModel base = BaseModel.ALL_MINILM_L6_V2;
        byte[] onnx;
        try (InputStream in = base.openOnnx()) {
            onnx = in.readAllBytes();
        }
        Map<String, Tensor> encoder = OnnxBertImporter.importEncoder(ByteBuffer.wrap(onnx), base.config(), base.id());
        onnx = null;
        Random random = new Random(42);
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                InputStream in = base.openTokenizer();
                TextTokenizer tokenizer = TextTokenizer.load(in, 128)) {
            // Texts of at least 128 tokens, so every batch is exactly N x 128 as in the reference figures.
            if (!speed) {
                try (BertClassifierModel model = BertClassifierModel.create(manager, base.config(), 2, encoder, null,
                        1)) {
                    longRun(model, tokenizer, manager, random, longRun);
                }
                return;
            }
            List<LabelledText> train = new ArrayList<>();
            for (int i = 0; i < 16 * trainSteps; i++) {
                train.add(new LabelledText("b" + i, BenchData.words(random, 200), i % 2));
            }
            List<LabelledText> validation = train.subList(0, 16);
            long[] stepNanos = new long[trainSteps];
            try (BertClassifierModel model = BertClassifierModel.create(manager, base.config(), 2, encoder, null, 1)) {
                // Inference first, then training: the baseline measures in the same order.
                List<long[]> batch = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    batch.add(tokenizer.ids(BenchData.words(random, 200)));
                }
                BatchPredictor.probabilities(model, tokenizer, batch, 32, manager);
                long t0 = System.nanoTime();
                for (int b = 0; b < inferenceBatches; b++) {
                    BatchPredictor.probabilities(model, tokenizer, batch, 32, manager);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("inference_sentences_per_second=%.1f%n", inferenceBatches * 32 / seconds);
                Path dir = Files.createTempDirectory("bench-checkpoints");
                TrainingConfig config = TrainingConfig.builder().optEpochs(1).optCheckpointEverySteps(1_000_000)
                        .build();
                long[] last = {System.nanoTime()};
                new FineTuner(config, List.of("a", "b"), dir).train(model, tokenizer, train, validation,
                        new FineTuner.Listener() {
                            @Override
                            public void onStep(io.tuneledger.ml.StepOutcome p) {
                                long now = System.nanoTime();
                                stepNanos[p.step() - 1] = now - last[0];
                                last[0] = now;
                            }
                        });
                double[] steady = Arrays.stream(stepNanos).skip(2).mapToDouble(n -> n / 1e9).sorted().toArray();
                System.out.printf("train_seconds_per_step=%.3f%n", steady[steady.length / 2]);
                System.out.printf("train_peak_rss_mb=%d%n", BenchData.status("VmHWM") / 1024);


            }
        }
    }

    /** Short sentences through batched inference; resident memory sampled after every 1,000. */
    private static void longRun(BertClassifierModel model, TextTokenizer tokenizer, NDManager manager, Random random,
            int sentences) throws java.io.IOException {
        List<long[]> shortOnes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            shortOnes.add(tokenizer.ids(BenchData.words(random, 5 + random.nextInt(20))));
        }
        long firstRss = 0;
        long maxRss = 0;
        long t1 = System.nanoTime();
        for (int done = 0; done < sentences; done += shortOnes.size()) {
            BatchPredictor.probabilities(model, tokenizer, shortOnes, 64, manager);
            long rss = BenchData.status("VmRSS");
            if (done >= sentences / 10 && firstRss == 0) {
                firstRss = rss;
            }
            maxRss = Math.max(maxRss, rss);
            if (done % (sentences / 10) == 0) {
                System.err.printf("after %d: rss %d MB, java heap committed %d MB%n", done, rss / 1024,
                        Runtime.getRuntime().totalMemory() >> 20);
            }
        }
        double seconds = (System.nanoTime() - t1) / 1e9;
        System.out.printf("long_run_sentences=%d%n", sentences);
        System.out.printf("long_run_sentences_per_second=%.1f%n", sentences / seconds);
        System.out.printf("long_run_rss_mb_after_10_percent=%d%n", firstRss / 1024);
        System.out.printf("long_run_rss_mb_at_end=%d%n", BenchData.status("VmRSS") / 1024);
        System.out.printf("long_run_rss_mb_max=%d%n", maxRss / 1024);
    }
}
