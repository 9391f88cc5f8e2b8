package io.tuneledger.ml.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.LinearSchedule;
import io.tuneledger.ml.StepOutcome;
import io.tuneledger.ml.TaskMetrics;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingCurves;
import io.tuneledger.ml.TrainingSession;
import io.tuneledger.ml.weights.SafeTensors;
import io.tuneledger.ml.weights.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A {@link TrainingSession} on the PyTorch engine for any {@link TrainingObjective}: the data order, the learning-rate
 * schedule, AdamW, gradient clipping, dropout seeds, validation, early stopping and the training state.
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
public final class DjlTrainingSession implements TrainingSession {

    /** The one gradient collector of the process (see {@link #update}). */
    private static final Object GRADIENTS = new Object();

    /** Training-state format written by {@link #save}. */
    static final String FORMAT = "tuneledger-training-state-1";

    /** The mutable position and record of a run: what the training state file holds besides the tensors. */
    private static final class State {
        int step;
        int epoch;
        int batch;
        int bestEpoch = -1;
        double bestMetric = -1;
        int badEpochs;
        boolean stoppedEarly;
        List<Float> losses = new ArrayList<>();
        List<Double> validation = new ArrayList<>();
        List<Double> validationLoss = new ArrayList<>();
    }

    private final TrainingConfig config;
    private final TrainingObjective objective;
    private final Path workDir;
    private final Engine engine;
    private final int batchesPerEpoch;
    private final int totalSteps;
    private final LinearSchedule schedule;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();
    private final String fingerprint;
    private final String legacyFingerprint;
    private final NDManager manager;
    private final AdamW optimizer;
    private State state = new State();
    private int[] order;
    private int orderEpoch = -1;

    /**
     * A session at step 0 for {@code objective} (weights as loaded); best weights of each epoch go to {@code workDir}.
     */
    public DjlTrainingSession(TrainingConfig config, TrainingObjective objective, Path workDir) throws IOException {
        if (objective.trainSize() == 0) {
            throw new IllegalArgumentException("No training examples");
        }
        this.config = config;
        this.objective = objective;
        this.workDir = workDir;
        Files.createDirectories(workDir);
        engine = Engine.getEngine("PyTorch");
        batchesPerEpoch = (objective.trainSize() + config.batchSize() - 1) / config.batchSize();
        totalSteps = batchesPerEpoch * config.epochs();
        schedule = LinearSchedule.of(config.learningRate(), config.warmupRatio(), totalSteps);
        for (Map.Entry<String, NDArray> e : objective.parameters().entrySet()) {
            boolean trains = objective.trains(e.getKey(), config.mode());
            e.getValue().setRequiresGradient(trains);
            if (trains) {
                trainable.put(e.getKey(), e.getValue());
            }
        }
        fingerprint = config.identity() + "|" + objective.fingerprint();
        legacyFingerprint = config + "|" + objective.fingerprint();
        manager = engine.newBaseManager();
        optimizer = new AdamW(manager, trainable, config.weightDecay());
    }

    /** A classifier's session: {@link ClassificationObjective} on {@code model}. */
    public static DjlTrainingSession classifier(TrainingConfig config, List<String> labels, BertClassifierModel model,
            TextTokenizer tokenizer, List<LabelledText> train, List<LabelledText> validation, Path workDir)
            throws IOException {
        return new DjlTrainingSession(config, new ClassificationObjective(config, labels, model, tokenizer, train,
                validation), workDir);
    }

    @Override
    public int totalSteps() {
        return totalSteps;
    }

    @Override
    public int steps() {
        return state.step;
    }

    @Override
    public int epoch() {
        return state.epoch;
    }

    @Override
    public boolean finished() {
        return state.epoch >= config.epochs() || state.stoppedEarly;
    }

    @Override
    public int bestEpoch() {
        return state.bestEpoch;
    }

    @Override
    public boolean stoppedEarly() {
        return state.stoppedEarly;
    }

    @Override
    public TrainingCurves curves() {
        return new TrainingCurves(state.losses, state.validationLoss, objective.metricName(), state.validation);
    }

    @Override
    public Path bestWeights() {
        return bestFile(state.bestEpoch);
    }

    @Override
    public StepOutcome step() throws IOException {
        if (finished()) {
            throw new IllegalStateException("Training is finished");
        }
        if (orderEpoch != state.epoch) {
            order = order(objective.trainSize(), state.epoch);
            orderEpoch = state.epoch;
        }
        int from = state.batch * config.batchSize();
        int to = Math.min(objective.trainSize(), from + config.batchSize());
        int[] indices = new int[to - from];
        for (int i = from; i < to; i++) {
            indices[i - from] = order[i];
        }
        float lr = schedule.rate(state.step);
        float loss = update(indices, lr, state.step);
        if (!Float.isFinite(loss)) {
            throw new ArithmeticException("The training loss became " + loss + " at step " + (state.step + 1)
                    + "; the weights are unusable. Lower train.learning.rate or check the data");
        }
        state.step++;
        state.batch++;
        state.losses.add(loss);
        int epoch = state.epoch;
        if (state.batch < batchesPerEpoch) {
            return new StepOutcome(epoch, state.step, totalSteps, loss, lr, null, false);
        }
        JniUtils.setGradMode(false);
        TrainingObjective.Validation validation = objective.validate(manager, Math.max(32, config.batchSize()));
        TaskMetrics metrics = validation.metrics();
        boolean improved = metrics.primary() > state.bestMetric;
        state.validation.add(metrics.primary());
        state.validationLoss.add(validation.loss());
        if (improved) {
            state.bestMetric = metrics.primary();
            state.bestEpoch = state.epoch;
            state.badEpochs = 0;
            SafeTensors.write(bestFile(state.epoch), savedWeights(), Map.of("epoch",
                    Integer.toString(state.epoch)));
        } else {
            state.badEpochs++;
            state.stoppedEarly = config.earlyStoppingPatience() > 0
                    && state.badEpochs >= config.earlyStoppingPatience();
        }
        state.epoch++;
        state.batch = 0;
        return new StepOutcome(epoch, state.step, totalSteps, loss, lr, metrics, improved);
    }

    /** The file holding the best weights when epoch {@code epoch} was the best so far. */
    public Path bestFile(int epoch) {
        return workDir.resolve("best-epoch-" + epoch + ".safetensors");
    }

    /** Loads the best epoch's weights into the model and answers their validation figures. */
    public TaskMetrics restoreBest() throws IOException {
        if (state.bestEpoch < 0) {
            throw new IllegalStateException("No epoch has finished");
        }
        objective.load(SafeTensors.read(bestFile(state.bestEpoch)).tensors());
        return objective.validate(manager, Math.max(32, config.batchSize())).metrics();
    }

    /** One optimisation step; returns the batch loss. */
    private float update(int[] indices, float lr, int step) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray lossArray;
            // DJL's PyTorch engine allows one gradient collector in the process at a time, and the random generator
            // that dropout draws from is the process's: the seeding, forward and backward passes of trainings that
            // run at once (two jobs, parallel folds or trials) take turns, so each draws the masks it would draw
            // alone; each pass uses every core meanwhile, and the rest of the step (clipping, the optimizer) runs side
            // by side.
            synchronized (GRADIENTS) {
                engine.setRandomSeed(stepSeed(step));
                try (GradientCollector collector = engine.newGradientCollector()) {
                    lossArray = objective.loss(scope, indices, config.dropout(), stepSeed(step));
                    collector.backward(lossArray);
                }
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

    /**
     * The weights a training state and a best-epoch file hold: all of them, or, in LoRA mode, only those that train
     * (the adapters and the head; the frozen encoder is the starting weights, loaded again on a restart).
     */
    private Map<String, Tensor> savedWeights() {
        if (config.mode() != TrainingConfig.TrainMode.LORA) {
            return objective.weights();
        }
        // only what trains is copied out of the engine, not the frozen encoder with it
        Map<String, Tensor> trained = new LinkedHashMap<>();
        trainable.forEach((name, array) -> trained.put(name, new Tensor(name, array.getShape().getShape(),
                array.toFloatArray())));
        return trained;
    }

    @Override
    public void save(Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        savedWeights().forEach((name, t) -> tensors.put("param." + name, t.renamed("param." + name)));
        optimizer.state().forEach((name, t) -> tensors.put("adam." + name, t.renamed("adam." + name)));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("fingerprint", fingerprint);
        meta.put("step", Integer.toString(state.step));
        meta.put("epoch", Integer.toString(state.epoch));
        meta.put("batch", Integer.toString(state.batch));
        meta.put("bestEpoch", Integer.toString(state.bestEpoch));
        meta.put("bestMacroF1", Double.toString(state.bestMetric));
        meta.put("badEpochs", Integer.toString(state.badEpochs));
        meta.put("stoppedEarly", Boolean.toString(state.stoppedEarly));
        meta.put("losses", state.losses.stream().map(f -> Float.toString(f)).collect(Collectors.joining(",")));
        meta.put("validationLoss", state.validationLoss.stream().map(d -> Double.toString(d))
                .collect(Collectors.joining(",")));
        meta.put("validationMacroF1", state.validation.stream().map(d -> Double.toString(d))
                .collect(Collectors.joining(",")));
        SafeTensors.write(file, tensors, meta);
    }

    /**
     * Restores the training state saved by {@link #save}; refuses a state of another run (other configuration,
     * outputs or data). A state written before the checkpoint interval could change on restart is still accepted.
     */
    @Override
    public void restore(Path file) throws IOException {
        SafeTensors.Content content = SafeTensors.read(file);
        Map<String, String> meta = content.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new IOException(file + " is not a Tuneledger training state (format " + meta.get("format") + ")");
        }
        String recorded = meta.get("fingerprint");
        if (!fingerprint.equals(recorded) && !legacyFingerprint.equals(recorded)) {
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
        objective.load(params);
        optimizer.restore(moments);
        State s = new State();
        s.step = Integer.parseInt(meta.get("step"));
        s.epoch = Integer.parseInt(meta.get("epoch"));
        s.batch = Integer.parseInt(meta.get("batch"));
        s.bestEpoch = Integer.parseInt(meta.get("bestEpoch"));
        s.bestMetric = Double.parseDouble(meta.get("bestMacroF1"));
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
        objective.parameters().values().forEach(p -> p.setRequiresGradient(false));
    }
}
