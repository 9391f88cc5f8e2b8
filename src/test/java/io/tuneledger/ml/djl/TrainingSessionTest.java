package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.EncoderConfig;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.weights.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step-wise training session as the fine-tune job drives it: one chunk of updates per call, each call possibly on
 * another thread of a pool (PyTorch's gradient recording is per thread and on in a fresh one), the state saved
 * between chunks and restored into a new session. The weights must be those of one uninterrupted loop on one thread.
 */
class TrainingSessionTest {

    static final List<String> LABELS = List.of("ham", "spam");
    static final EncoderConfig TINY = EncoderConfig.tiny(30522);

    @TempDir
    Path dir;

    static List<LabelledText> examples(int n, long seed) {
        Random random = new Random(seed);
        String[] ham = {"meeting", "report", "thanks", "review", "lunch"};
        String[] spam = {"free", "winner", "cash", "offer", "click"};
        List<LabelledText> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String[] words = i % 2 == 0 ? ham : spam;
            StringBuilder b = new StringBuilder();
            for (int w = 0; w < 4 + random.nextInt(6); w++) {
                b.append(words[random.nextInt(words.length)]).append(' ');
            }
            out.add(new LabelledText("x" + i, b.toString(), i % 2));
        }
        return out;
    }

    static Map<String, Tensor> encoder() {
        return FineTunerResumeTest.randomEncoder(3);
    }

    static final TrainingConfig CONFIG = TrainingConfig.builder().optEpochs(2).optBatchSize(6).optLearningRate(1e-3f)
            .optMaxLength(16).build();

    /**
     * Trains to the end; {@code chunk} steps per call, each call on a new thread when {@code pooled} (else on the
     * test's own thread, where DJL switched gradient recording off when the engine started).
     */
    private Map<String, Tensor> train(Path work, int chunk, boolean pooled, boolean viaState) throws Exception {
        List<LabelledText> train = examples(30, 1);
        List<LabelledText> validation = examples(10, 2);
        Map<String, Tensor> enc = encoder();
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                InputStream in = BaseModel.ALL_MINILM_L6_V2.openTokenizer();
                TextTokenizer tokenizer = TextTokenizer.load(in, 16)) {
            Path state = null;
            Map<String, Tensor> last = null;
            boolean finished = false;
            while (!finished) {
                Path restoreFrom = state;
                // Like the job: every chunk builds its model and session afresh from the saved state.
                java.util.concurrent.Callable<Object[]> call = () -> {
                    try (BertClassifierModel model = BertClassifierModel.create(manager, TINY, 2, enc, null, 9);
                            DjlTrainingSession s = DjlTrainingSession.classifier(CONFIG, LABELS, model, tokenizer,
                                    train, validation, work)) {
                        if (restoreFrom != null) {
                            s.restore(restoreFrom);
                        }
                        for (int i = 0; i < chunk && !s.finished(); i++) {
                            s.step();
                        }
                        Path saved = work.resolve("state-" + s.steps() + ".safetensors");
                        s.save(saved);
                        boolean done = s.finished();
                        Map<String, Tensor> weights = null;
                        if (done) {
                            s.restoreBest();
                            weights = model.toTensors();
                        }
                        return new Object[] {saved, done, weights};
                    }
                };
                Object[] r;
                if (pooled) {
                    ExecutorService fresh = Executors.newSingleThreadExecutor();
                    try {
                        r = fresh.submit(call).get();
                    } finally {
                        fresh.shutdown();
                    }
                } else {
                    r = call.call();
                }
                state = viaState ? (Path) r[0] : state;
                finished = (Boolean) r[1];
                last = cast(r[2]);
                if (!viaState && !finished) {
                    throw new IllegalStateException("one call must finish when not going through the state");
                }
            }
            return last;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Tensor> cast(Object o) {
        return (Map<String, Tensor>) o;
    }

    @Test
    void chunksOnPooledThreadsThroughSavedStatesEndWithTheWeightsOfOneUninterruptedLoop() throws Exception {
        Map<String, Tensor> reference = train(dir.resolve("one"), Integer.MAX_VALUE, false, false);
        Map<String, Tensor> chunked = train(dir.resolve("chunked"), 3, true, true);
        assertEquals(reference.keySet(), chunked.keySet());
        for (String name : reference.keySet()) {
            assertArrayEquals(reference.get(name).data(), chunked.get(name).data(), name);
        }
    }

    @Test
    void aStateOfAnotherRunIsRefusedAndAnotherCheckpointIntervalIsNot() throws Exception {
        Path work = dir.resolve("refuse");
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                InputStream in = BaseModel.ALL_MINILM_L6_V2.openTokenizer();
                TextTokenizer tokenizer = TextTokenizer.load(in, 16);
                BertClassifierModel model = BertClassifierModel.create(manager, TINY, 2, encoder(), null, 9)) {
            Path saved = work.resolve("state.safetensors");
            try (DjlTrainingSession s = DjlTrainingSession.classifier(CONFIG, LABELS, model, tokenizer,
                    examples(30, 1), examples(10, 2), work)) {
                s.step();
                s.save(saved);
            }
            TrainingConfig interval = TrainingConfig.builder().optEpochs(2).optBatchSize(6).optLearningRate(1e-3f)
                    .optMaxLength(16).optCheckpointEverySteps(3).build();
            try (DjlTrainingSession s = DjlTrainingSession.classifier(interval, LABELS, model, tokenizer,
                    examples(30, 1), examples(10, 2), work)) {
                s.restore(saved);
                assertEquals(1, s.steps(), "another checkpoint interval resumes the same run");
            }
            TrainingConfig other = TrainingConfig.builder().optEpochs(2).optBatchSize(6).optLearningRate(2e-3f)
                    .optMaxLength(16).build();
            try (DjlTrainingSession s = DjlTrainingSession.classifier(other, LABELS, model, tokenizer,
                    examples(30, 1), examples(10, 2), work)) {
                IOException e = assertThrows(IOException.class, () -> s.restore(saved));
                assertTrue(e.getMessage().contains("another run"), e.getMessage());
            }
        }
    }
}
