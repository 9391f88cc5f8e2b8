package io.tuneledger.ml.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
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
import java.util.stream.Collectors;

/**
 * One fine-tuning run, advanced one mini-batch at a time by its caller: the unit test's loop ({@link FineTuner}) or
 * the fine-tune job's chunk step, which saves the training state between chunks.
 *
 * <p>Exact resume: every source of variation is a function of the seed and the position, so a session restored from a
 * training state continues exactly as if it had never stopped. The data order of epoch {@code e} is a shuffle seeded
 * by (seed, e); dropout masks come from PyTorch's generator reseeded by (seed, step) before every step; the training
 * state holds the weights, the AdamW moments, step, epoch, batch and the early-stopping record.
 *
 * <p>Threads: PyTorch keeps gradient recording per thread and it is on in a fresh thread. A session may be driven by
 * any thread (the batch runtime uses a pool), so every step and every evaluation switches it off explicitly outside
 * the gradient collector; otherwise in-place updates would be recorded (or refused) and evaluation would build graphs.
 */
public final class TrainingSession implements AutoCloseable {

    /** Training-state format written by {@link #save}. */
    static final String FORMAT = "tuneledger-training-state-1";

    /** What one call of {@link #step()} did. {@code validation} is set when the step ended an epoch. */
    public record StepOutcome(FineTuner.Progress progress, ClassificationMetrics validation, boolean improved) {

        public boolean endedEpoch() {
            return validation != null;
        }
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
        List<Double> validationLoss = new ArrayList<>();
    }

    private final TrainingConfig config;
    private final List<String> labels;
    private final BertClassifierModel model;
    private final TextTokenizer tokenizer;
    private final List<LabelledText> train;
    private final List<LabelledText> validation;
    private final Path workDir;
    private final Engine engine;
    private final List<long[]> trainIds;
    private final List<long[]> validIds;
    private final int batchesPerEpoch;
    private final int totalSteps;
    private final LinearSchedule schedule;
    private final float[] classWeights;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();
    private final String fingerprint;
    private final NDManager manager;
    private final AdamW optimizer;
    private State state = new State();
    private int[] order;
    private int orderEpoch = -1;

    /**
     * A session at step 0 for {@code model} (weights as loaded: base encoder plus head). Best weights of each epoch go
     * to {@code workDir}.
     */
    public TrainingSession(TrainingConfig config, List<String> labels, BertClassifierModel model,
            TextTokenizer tokenizer, List<LabelledText> train, List<LabelledText> validation, Path workDir)
            throws IOException {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("No training examples");
        }
        if (validation.isEmpty()) {
            throw new IllegalArgumentException("No validation examples");
        }
        this.config = config;
        this.labels = List.copyOf(labels);
        this.model = model;
        this.tokenizer = tokenizer;
        this.train = train;
        this.validation = validation;
        this.workDir = workDir;
        Files.createDirectories(workDir);
        engine = Engine.getEngine("PyTorch");
        trainIds = train.stream().map(t -> tokenizer.ids(t.text())).toList();
        validIds = validation.stream().map(t -> tokenizer.ids(t.text())).toList();
        batchesPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
        totalSteps = batchesPerEpoch * config.epochs();
        schedule = LinearSchedule.of(config.learningRate(), config.warmupRatio(), totalSteps);
        classWeights = classWeights();
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            boolean trains = config.mode() == TrainingConfig.TrainMode.FULL || e.getKey().startsWith("classifier.");
            e.getValue().setRequiresGradient(trains);
            if (trains) {
                trainable.put(e.getKey(), e.getValue());
            }
        }
        fingerprint = fingerprint();
        manager = engine.newBaseManager();
        optimizer = new AdamW(manager, trainable, config.weightDecay());
    }

    public int totalSteps() {
        return totalSteps;
    }

    /** Steps done so far. */
    public int steps() {
        return state.step;
    }

    public int epoch() {
        return state.epoch;
    }

    /** Whether training is over: all epochs done, or stopped early. */
    public boolean finished() {
        return state.epoch >= config.epochs() || state.stoppedEarly;
    }

    /** The epoch with the best validation macro-F1 so far (-1 before the first epoch ends). */
    public int bestEpoch() {
        return state.bestEpoch;
    }

    public boolean stoppedEarly() {
        return state.stoppedEarly;
    }

    /** Losses of every step so far. */
    public List<Float> losses() {
        return List.copyOf(state.losses);
    }

    /** Validation macro-F1 after each epoch so far. */
    public List<Double> validationMacroF1() {
        return List.copyOf(state.validation);
    }

    /** Validation loss (mean cross-entropy, without class weights or dropout) after each epoch so far. */
    public List<Double> validationLoss() {
        return List.copyOf(state.validationLoss);
    }

    /** One mini-batch update; at the end of an epoch also validation, the best weights and early stopping. */
    public StepOutcome step() throws IOException {
        if (finished()) {
            throw new IllegalStateException("Training is finished");
        }
        if (orderEpoch != state.epoch) {
            order = order(train.size(), state.epoch);
            orderEpoch = state.epoch;
        }
        int from = state.batch * config.batchSize();
        int to = Math.min(train.size(), from + config.batchSize());
        List<long[]> ids = new ArrayList<>(to - from);
        int[] y = new int[to - from];
        for (int i = from; i < to; i++) {
            ids.add(trainIds.get(order[i]));
            y[i - from] = train.get(order[i]).label();
        }
        float lr = schedule.rate(state.step);
        float loss = update(tokenizer.pad(ids), y, lr, state.step);
        if (!Float.isFinite(loss)) {
            throw new ArithmeticException("The training loss became " + loss + " at step " + (state.step + 1)
                    + "; the weights are unusable. Lower train.learning.rate or check the data");
        }
        state.step++;
        state.batch++;
        state.losses.add(loss);
        FineTuner.Progress progress = new FineTuner.Progress(state.epoch, state.step, totalSteps, loss, lr);
        if (state.batch < batchesPerEpoch) {
            return new StepOutcome(progress, null, false);
        }
        float[][] probabilities = probabilities(validIds);
        ClassificationMetrics metrics = metrics(probabilities, validation);
        boolean improved = metrics.macroF1() > state.bestMacroF1;
        state.validation.add(metrics.macroF1());
        state.validationLoss.add(crossEntropy(probabilities, validation));
        if (improved) {
            state.bestMacroF1 = metrics.macroF1();
            state.bestEpoch = state.epoch;
            state.badEpochs = 0;
            SafeTensors.write(bestFile(state.epoch), model.toTensors(), Map.of("epoch",
                    Integer.toString(state.epoch)));
        } else {
            state.badEpochs++;
            state.stoppedEarly = config.earlyStoppingPatience() > 0
                    && state.badEpochs >= config.earlyStoppingPatience();
        }
        state.epoch++;
        state.batch = 0;
        return new StepOutcome(progress, metrics, improved);
    }

    /** The file holding the best weights when epoch {@code epoch} was the best so far. */
    public Path bestFile(int epoch) {
        return workDir.resolve("best-epoch-" + epoch + ".safetensors");
    }

    /** Loads the best epoch's weights into the model and answers their validation metrics and the run's record. */
    public FineTuner.Result finish(boolean resumed) throws IOException {
        if (state.bestEpoch < 0) {
            throw new IllegalStateException("No epoch has finished");
        }
        model.load(SafeTensors.read(bestFile(state.bestEpoch)).tensors());
        ClassificationMetrics best = evaluate(validIds, validation);
        return new FineTuner.Result(best, state.bestEpoch, state.step, state.stoppedEarly, resumed,
                List.copyOf(state.losses), List.copyOf(state.validation));
    }

    private ClassificationMetrics evaluate(List<long[]> ids, List<LabelledText> examples) {
        return metrics(probabilities(ids), examples);
    }

    private float[][] probabilities(List<long[]> ids) {
        JniUtils.setGradMode(false);
        return BatchPredictor.probabilities(model, tokenizer, ids, Math.max(32, config.batchSize()), manager);
    }

    private ClassificationMetrics metrics(float[][] probabilities, List<LabelledText> examples) {
        int[] truth = examples.stream().mapToInt(LabelledText::label).toArray();
        return ClassificationMetrics.of(labels, truth, BatchPredictor.argmax(probabilities));
    }

    /** Mean of -ln p(true label); a probability of 0 counts as the smallest positive float. */
    static double crossEntropy(float[][] probabilities, List<LabelledText> examples) {
        double sum = 0;
        for (int i = 0; i < probabilities.length; i++) {
            sum -= Math.log(Math.max(probabilities[i][examples.get(i).label()], Float.MIN_VALUE));
        }
        return probabilities.length == 0 ? 0 : sum / probabilities.length;
    }

    /** One optimisation step; returns the batch loss. */
    private float update(TokenBatch batch, int[] y, float lr, int step) {
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
            // The collector restores the thread's previous mode, which is "on" in a fresh thread.
            JniUtils.setGradMode(false);
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
                g.muli(0f);
            }
            return lossArray.getFloat();
        }
    }

    /** Class weights n / (k * count): balanced when configured, else all 1. */
    private float[] classWeights() {
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

    /** The order of the training examples in {@code epoch}: a shuffle seeded by the seed and the epoch only. */
    int[] order(int n, int epoch) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        Random random = new Random(config.seed() * 1_000_003L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = out[i];
            out[i] = out[j];
            out[j] = tmp;
        }
        return out;
    }

    private int stepSeed(int step) {
        long mixed = (config.seed() * 0x9E3779B97F4A7C15L) ^ (step * 0xBF58476D1CE4E5B9L);
        return (int) (mixed ^ (mixed >>> 32)) & 0x7FFFFFFF;
    }

    /** Identifies the run a training state belongs to: configuration, labels and training data. */
    private String fingerprint() {
        int h = train.stream().map(t -> t.id() + "\u0000" + t.label()).collect(Collectors.joining("\n")).hashCode();
        return config + "|" + labels + "|" + train.size() + "|" + Integer.toHexString(h);
    }

    /** Writes the training state (atomically) to {@code file}. */
    public void save(Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.toTensors().forEach((name, t) -> tensors.put("param." + name, t.renamed("param." + name)));
        optimizer.state().forEach((name, t) -> tensors.put("adam." + name, t.renamed("adam." + name)));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("fingerprint", fingerprint);
        meta.put("step", Integer.toString(state.step));
        meta.put("epoch", Integer.toString(state.epoch));
        meta.put("batch", Integer.toString(state.batch));
        meta.put("bestEpoch", Integer.toString(state.bestEpoch));
        meta.put("bestMacroF1", Double.toString(state.bestMacroF1));
        meta.put("badEpochs", Integer.toString(state.badEpochs));
        meta.put("stoppedEarly", Boolean.toString(state.stoppedEarly));
        meta.put("losses", state.losses.stream().map(f -> Float.toString(f)).collect(Collectors.joining(",")));
        meta.put("validationLoss", state.validationLoss.stream().map(d -> Double.toString(d))
                .collect(Collectors.joining(",")));
        meta.put("validationMacroF1", state.validation.stream().map(d -> Double.toString(d))
                .collect(Collectors.joining(",")));
        SafeTensors.write(file, tensors, meta);
    }

    /** Restores the training state saved by {@link #save}; refuses a state of another run. */
    public void restore(Path file) throws IOException {
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
        State s = new State();
        s.step = Integer.parseInt(meta.get("step"));
        s.epoch = Integer.parseInt(meta.get("epoch"));
        s.batch = Integer.parseInt(meta.get("batch"));
        s.bestEpoch = Integer.parseInt(meta.get("bestEpoch"));
        s.bestMacroF1 = Double.parseDouble(meta.get("bestMacroF1"));
        s.badEpochs = Integer.parseInt(meta.get("badEpochs"));
        s.stoppedEarly = Boolean.parseBoolean(meta.get("stoppedEarly"));
        s.losses = parseList(meta.get("losses"), Float::parseFloat);
        s.validation = parseList(meta.get("validationMacroF1"), Double::parseDouble);
        s.validationLoss = parseList(meta.get("validationLoss"), Double::parseDouble);
        state = s;
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

    /** Frees the optimizer's state; the model's parameters stop recording gradients. */
    @Override
    public void close() {
        optimizer.close();
        manager.close();
        model.parameters().values().forEach(p -> p.setRequiresGradient(false));
    }
}
