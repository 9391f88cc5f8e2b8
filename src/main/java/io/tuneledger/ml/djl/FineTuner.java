package io.tuneledger.ml.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.LinearSchedule;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.weights.SafeTensors;
import io.tuneledger.ml.weights.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Fine-tunes a {@link BertClassifierModel} with AdamW, linear warm-up and decay, dropout, gradient clipping by global
 * norm and optional balanced class weights; validates every epoch and stops early on macro-F1, keeping the best
 * weights.
 *
 * <p>Exact resume: every source of variation is a function of the seed and the position, so a run restarted from its
 * last training state continues exactly as if it had never stopped. The data order of epoch {@code e} is a shuffle
 * seeded by (seed, e); dropout masks come from PyTorch's generator reseeded by (seed, step) before every step; the
 * training state (weights, AdamW moments, step, epoch, batch, early-stopping record) is written atomically every
 * {@code checkpoint.every.steps} steps and at the end of each epoch, the best weights beside it.
 */
public final class FineTuner {

    private static final Logger LOG = Logger.getLogger(FineTuner.class.getName());

    /** File of the training state in the checkpoint directory. */
    public static final String STATE_FILE = "training-state.safetensors";
    /** File of the best weights so far in the checkpoint directory. */
    public static final String BEST_FILE = "best-weights.safetensors";

    /** One training step's figures. */
    public record Progress(int epoch, int step, int totalSteps, float loss, float learningRate) {
    }

    /** Callbacks from the training loop. An exception thrown here stops training where it is (tests use it). */
    public interface Listener {
        default void onStep(Progress progress) {
        }

        default void onEpoch(int epoch, ClassificationMetrics validation, boolean improved) {
        }

        default void onCheckpoint(int step, Path state) {
        }
    }

    /** What a training run produced. The model holds the best weights when it returns. */
    public record Result(ClassificationMetrics bestValidation, int bestEpoch, int steps, boolean stoppedEarly,
            boolean resumed, List<Float> losses, List<Double> validationMacroF1) {
    }

    private final TrainingConfig config;
    private final List<String> labels;
    private final Path checkpointDir;

    public FineTuner(TrainingConfig config, List<String> labels, Path checkpointDir) {
        this.config = config;
        this.labels = List.copyOf(labels);
        this.checkpointDir = checkpointDir;
    }

    /** The mutable position and record of a run: what the training state file holds besides the tensors. */
    private static final class State {
        int step;
        int epoch;
        int batch;
        int bestEpoch = -1;
        double bestMacroF1 = -1;
        int badEpochs;
        boolean stoppedEarly;
        List<Float> losses = new ArrayList<>();
        List<Double> validation = new ArrayList<>();
    }

    /**
     * Trains {@code model} (weights as loaded: base encoder plus head) on {@code train}, validating on
     * {@code validation}. Resumes from the checkpoint directory's training state when there is one.
     */
    public Result train(BertClassifierModel model, TextTokenizer tokenizer, List<LabelledText> train,
            List<LabelledText> validation, Listener listener) throws IOException {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("No training examples");
        }
        Engine engine = Engine.getEngine("PyTorch");
        List<long[]> trainIds = train.stream().map(t -> tokenizer.ids(t.text())).toList();
        List<long[]> validIds = validation.stream().map(t -> tokenizer.ids(t.text())).toList();
        int batchesPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
        int totalSteps = batchesPerEpoch * config.epochs();
        LinearSchedule schedule = LinearSchedule.of(config.learningRate(), config.warmupRatio(), totalSteps);
        float[] classWeights = classWeights(train);

        Map<String, NDArray> trainable = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            boolean trains = config.mode() == TrainingConfig.TrainMode.FULL || e.getKey().startsWith("classifier.");
            e.getValue().setRequiresGradient(trains);
            if (trains) {
                trainable.put(e.getKey(), e.getValue());
            }
        }
        String fingerprint = fingerprint(train);
        try (NDManager manager = engine.newBaseManager();
                AdamW optimizer = new AdamW(manager, trainable, config.weightDecay())) {
            State state = new State();
            boolean resumed = restore(model, optimizer, state, fingerprint);
            while (state.epoch < config.epochs() && !state.stoppedEarly) {
                int[] order = order(train.size(), state.epoch);
                while (state.batch < batchesPerEpoch) {
                    int from = state.batch * config.batchSize();
                    int to = Math.min(train.size(), from + config.batchSize());
                    List<long[]> ids = new ArrayList<>(to - from);
                    int[] y = new int[to - from];
                    for (int i = from; i < to; i++) {
                        ids.add(trainIds.get(order[i]));
                        y[i - from] = train.get(order[i]).label();
                    }
                    float lr = schedule.rate(state.step);
                    float loss = step(engine, manager, model, optimizer, trainable, tokenizer.pad(ids), y,
                            classWeights, lr, state.step);
                    state.step++;
                    state.batch++;
                    state.losses.add(loss);
                    if (state.step % config.checkpointEverySteps() == 0 && state.batch < batchesPerEpoch) {
                        save(model, optimizer, state, fingerprint, listener);
                    }
                    listener.onStep(new Progress(state.epoch, state.step, totalSteps, loss, lr));
                }
                ClassificationMetrics metrics = evaluate(model, tokenizer, validIds, validation, manager);
                boolean improved = metrics.macroF1() > state.bestMacroF1;
                state.validation.add(metrics.macroF1());
                if (improved) {
                    state.bestMacroF1 = metrics.macroF1();
                    state.bestEpoch = state.epoch;
                    state.badEpochs = 0;
                    SafeTensors.write(checkpointDir.resolve(BEST_FILE), model.toTensors(), Map.of("epoch",
                            Integer.toString(state.epoch)));
                } else {
                    state.badEpochs++;
                    state.stoppedEarly = config.earlyStoppingPatience() > 0
                            && state.badEpochs >= config.earlyStoppingPatience();
                }
                state.epoch++;
                state.batch = 0;
                save(model, optimizer, state, fingerprint, listener);
                listener.onEpoch(state.epoch - 1, metrics, improved);
            }
            model.load(SafeTensors.read(checkpointDir.resolve(BEST_FILE)).tensors());
            ClassificationMetrics best = evaluate(model, tokenizer, validIds, validation, manager);
            return new Result(best, state.bestEpoch, state.step, state.stoppedEarly, resumed,
                    List.copyOf(state.losses), List.copyOf(state.validation));
        } finally {
            model.parameters().values().forEach(p -> p.setRequiresGradient(false));
        }
    }

    /** One optimisation step; returns the batch loss. */
    private float step(Engine engine, NDManager manager, BertClassifierModel model, AdamW optimizer,
            Map<String, NDArray> trainable, TokenBatch batch, int[] y, float[] classWeights,
            float lr, int step) {
        engine.setRandomSeed(stepSeed(step));
        try (NDManager scope = manager.newSubManager()) {
            float[] oneHot = new float[y.length * labels.size()];
            float[] weights = new float[y.length];
            for (int i = 0; i < y.length; i++) {
                oneHot[i * labels.size() + y[i]] = 1f;
                weights[i] = classWeights[y[i]];
            }
            NDArray lossArray;
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray logits = model.logits(scope, batch, true, config.dropout());
                NDArray picked = logits.logSoftmax(1).mul(scope.create(oneHot, new Shape(
                        y.length, labels.size()))).sum(new int[] {1});
                NDArray w = scope.create(weights);
                lossArray = picked.mul(w).sum().div(w.sum()).neg();
                collector.backward(lossArray);
            }
            Map<String, NDArray> gradients = new LinkedHashMap<>();
            double squares = 0;
            for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                NDArray g = e.getValue().getGradient();
                g.attach(scope);
                gradients.put(e.getKey(), g);
                if (config.gradClip() > 0) {
                    double norm = g.norm().getFloat();
                    squares += norm * norm;
                }
            }
            float scale = 1f;
            if (config.gradClip() > 0) {
                double norm = Math.sqrt(squares);
                double coefficient = config.gradClip() / (norm + 1e-6);
                scale = coefficient < 1 ? (float) coefficient : 1f;
            }
            optimizer.step(scope, gradients, lr, step + 1, scale);
            for (NDArray g : gradients.values()) {
                g.subi(g);
            }
            return lossArray.getFloat();
        }
    }

    /** Class weights n / (k * count): balanced when configured, else all 1. */
    private float[] classWeights(List<LabelledText> train) {
        float[] w = new float[labels.size()];
        Arrays.fill(w, 1f);
        if (config.balancedClassWeights()) {
            long[] counts = new long[labels.size()];
            train.forEach(t -> counts[t.label()]++);
            for (int c = 0; c < w.length; c++) {
                w[c] = counts[c] == 0 ? 0f : train.size() / (float) (labels.size() * counts[c]);
            }
        }
        return w;
    }

    private ClassificationMetrics evaluate(BertClassifierModel model, TextTokenizer tokenizer, List<long[]> ids,
            List<LabelledText> examples, NDManager manager) {
        float[][] probabilities = BatchPredictor.probabilities(model, tokenizer, ids, Math.max(32, config.batchSize()),
                manager);
        int[] truth = examples.stream().mapToInt(LabelledText::label).toArray();
        return ClassificationMetrics.of(labels, truth, BatchPredictor.argmax(probabilities));
    }

    /** The order of the training examples in {@code epoch}: a shuffle seeded by the seed and the epoch only. */
    int[] order(int n, int epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(config.seed() * 1_000_003L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }

    private int stepSeed(int step) {
        long mixed = (config.seed() * 0x9E3779B97F4A7C15L) ^ (step * 0xBF58476D1CE4E5B9L);
        return (int) (mixed ^ (mixed >>> 32)) & 0x7FFFFFFF;
    }

    /** Identifies the run a training state belongs to: configuration, labels and training data. */
    private String fingerprint(List<LabelledText> train) {
        int h = train.stream().map(t -> t.id() + "\u0000" + t.label()).collect(Collectors.joining("\n")).hashCode();
        return config + "|" + labels + "|" + train.size() + "|" + Integer.toHexString(h);
    }

    private void save(BertClassifierModel model, AdamW optimizer, State state, String fingerprint, Listener listener)
            throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.toTensors().forEach((name, t) -> tensors.put("param." + name, t.renamed("param." + name)));
        optimizer.state().forEach((name, t) -> tensors.put("adam." + name, t.renamed("adam." + name)));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "tuneledger-training-state-1");
        meta.put("fingerprint", fingerprint);
        meta.put("step", Integer.toString(state.step));
        meta.put("epoch", Integer.toString(state.epoch));
        meta.put("batch", Integer.toString(state.batch));
        meta.put("bestEpoch", Integer.toString(state.bestEpoch));
        meta.put("bestMacroF1", Double.toString(state.bestMacroF1));
        meta.put("badEpochs", Integer.toString(state.badEpochs));
        meta.put("stoppedEarly", Boolean.toString(state.stoppedEarly));
        meta.put("losses", state.losses.stream().map(f -> Float.toString(f)).collect(Collectors.joining(",")));
        meta.put("validationMacroF1", state.validation.stream().map(d -> Double.toString(d))
                .collect(Collectors.joining(",")));
        Path file = checkpointDir.resolve(STATE_FILE);
        SafeTensors.write(file, tensors, meta);
        LOG.fine(() -> "TUNE0201 Training state saved at step " + state.step + ": " + file);
        listener.onCheckpoint(state.step, file);
    }

    private boolean restore(BertClassifierModel model, AdamW optimizer, State state, String fingerprint)
            throws IOException {
        Path file = checkpointDir.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            return false;
        }
        SafeTensors.Content content = SafeTensors.read(file);
        Map<String, String> meta = content.metadata();
        if (!fingerprint.equals(meta.get("fingerprint"))) {
            throw new IOException("The training state in " + file + " belongs to another run (other configuration,"
                    + " labels or data); refusing to resume from it");
        }
        Map<String, Tensor> params = new LinkedHashMap<>();
        Map<String, Tensor> moments = new LinkedHashMap<>();
        content.tensors().forEach((name, t) -> {
            if (name.startsWith("param.")) {
                params.put(name.substring(6), t.renamed(name.substring(6)));
            } else if (name.startsWith("adam.")) {
                moments.put(name.substring(5), t.renamed(name.substring(5)));
            }
        });
        model.load(params);
        optimizer.restore(moments);
        state.step = Integer.parseInt(meta.get("step"));
        state.epoch = Integer.parseInt(meta.get("epoch"));
        state.batch = Integer.parseInt(meta.get("batch"));
        state.bestEpoch = Integer.parseInt(meta.get("bestEpoch"));
        state.bestMacroF1 = Double.parseDouble(meta.get("bestMacroF1"));
        state.badEpochs = Integer.parseInt(meta.get("badEpochs"));
        state.stoppedEarly = Boolean.parseBoolean(meta.get("stoppedEarly"));
        state.losses = parseList(meta.get("losses"), Float::parseFloat);
        state.validation = parseList(meta.get("validationMacroF1"), Double::parseDouble);
        LOG.info(() -> "TUNE0202 Training resumes at step " + state.step + " (epoch " + state.epoch + ", batch "
                + state.batch + ") from " + file);
        return true;
    }

    private static <T> List<T> parseList(String text, Function<String, T> parse) {
        List<T> out = new ArrayList<>();
        if (text != null && !text.isEmpty()) {
            for (String s : text.split(",")) {
                out.add(parse.apply(s));
            }
        }
        return out;
    }
}
