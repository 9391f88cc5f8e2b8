package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.tuneledger.ml.Baseline;
import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.RunSpec;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.StudentSpeed;
import io.tuneledger.ml.TaskMetrics;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.TrainingSession;
import io.tuneledger.ml.weights.SafeTensors;
import io.tuneledger.ml.weights.Tensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A distillation on the classification task: a smaller student (the teacher's embeddings, first layers and head, or a
 * smaller base model, cut to {@code distill.layers}) trained on the labels and on the teacher's softened outputs
 * ({@link ClassificationObjective.SoftTargets}); the baseline is the teacher itself, scored on the test split, with
 * both models' size and speed on the same texts ({@link StudentSpeed}). The teacher's logits for the train split are
 * computed once per run and kept in the training directory, so that a restart trains on exactly the same targets.
 * The student keeps the teacher's labels, in the teacher's order.
 */
final class DistillationRun extends DjlClassificationTask.ClassificationRun {

    /** The teacher's logits for the train split, in the training directory. */
    static final String TEACHER_LOGITS = "teacher-logits.safetensors";
    private static final String LOGITS = "logits";
    private static final int BATCH = 32;
    /** Timed passes over the test split per model, alternating, the fastest counting; more while under 2 s. */
    private static final int PASSES = 5;
    private static final double MIN_SECONDS = 2;

    private final io.tuneledger.ml.StartingPoint teacherPoint;
    private final String teacherSha256;

    private DistillationRun(RunSpec spec, StartingWeights student, List<String> labels,
            Map<Split, List<LabelledText>> splits, String teacherSha256) throws IOException {
        super(spec, student, labels, splits);
        this.teacherPoint = spec.teacher();
        this.teacherSha256 = teacherSha256;
    }

    /** Opens the run: the teacher's labels and weights' SHA-256 read, the student cut from its start. */
    static DistillationRun open(RunSpec spec) throws IOException {
        StartingWeights teacher = StartingWeights.of(spec.teacher());
        if (teacher.labels().isEmpty()) {
            throw new IllegalStateException("The teacher " + teacher.description() + " has no classification head:"
                    + " distillation needs a registered classifier");
        }
        List<String> labels = DjlClassificationTask.labels(spec.datasetDir(), teacher);
        boolean fromTeacher = TrainingParameters.TEACHER.equals(
                spec.config().taskSetting(TrainingParameters.DISTILL_STUDENT));
        StartingWeights start = fromTeacher ? teacher : StartingWeights.of(spec.start());
        StartingWeights student = student(start, spec.config().taskSetting(TrainingParameters.DISTILL_LAYERS),
                fromTeacher, labels);
        return new DistillationRun(spec, student, labels, DjlClassificationTask.splits(spec.datasetDir(), labels),
                teacher.sha256());
    }

    /**
     * The student's starting weights: {@code start}'s embeddings and first {@code layers} encoder layers (0: half the
     * layers, rounded up, of a teacher; all of a base model), with {@code start}'s head when it predicts the teacher's
     * labels in the teacher's order, else none (a new head).
     */
    static StartingWeights student(StartingWeights start, int layers, boolean fromTeacher, List<String> labels) {
        int total = start.config().numLayers();
        int keep = layers == 0 ? (fromTeacher ? (total + 1) / 2 : total) : layers;
        if (keep > total) {
            throw new IllegalStateException(TrainingParameters.DISTILL_LAYERS.name() + "=" + keep + " but "
                    + start.description() + " has only " + total + " encoder layers");
        }
        Map<String, Tensor> encoder = new LinkedHashMap<>();
        start.encoder().forEach((name, tensor) -> {
            if (layerOf(name) < keep) {
                encoder.put(name, tensor);
            }
        });
        Map<String, Tensor> head = start.labels().equals(labels) ? start.head() : null;
        return new StartingWeights(start.description(), start.sha256(), start.config().withLayers(keep),
                head == null ? List.of() : labels, encoder, head, start.tokenizerJson(), start.queryPrefix(), Map.of());
    }

    /** The encoder layer a weight belongs to ({@code encoder.layer.N.}); -1 for the embeddings. */
    private static int layerOf(String name) {
        String prefix = "encoder.layer.";
        if (!name.startsWith(prefix)) {
            return -1;
        }
        int end = name.indexOf('.', prefix.length());
        return Integer.parseInt(name.substring(prefix.length(), end));
    }

    @Override
    public List<String> labels() {
        return labels;
    }

    @Override
    public TrainingSession newSession(Path workDir) throws IOException {
        TrainingConfig config = spec.config();
        var soft = new ClassificationObjective.SoftTargets(teacherLogits(workDir), config.taskSetting(
                TrainingParameters.DISTILL_TEMPERATURE), config.taskSetting(TrainingParameters.DISTILL_ALPHA),
                teacherSha256);
        return new DjlTrainingSession(config, new ClassificationObjective(config, labels, model, tokenizer,
                examples(Split.TRAIN), examples(Split.VALIDATION), soft), workDir);
    }

    /**
     * The teacher's logits for the train split: read from the training directory when a run before this one (a
     * restart) computed them for the same teacher, training data and length, else computed now and written there.
     */
    float[][] teacherLogits(Path workDir) throws IOException {
        List<LabelledText> train = examples(Split.TRAIN);
        String key = teacherSha256 + "|" + ClassificationObjective.fingerprint(labels, train) + "|"
                + spec.config().maxLength();
        Path file = workDir.resolve(TEACHER_LOGITS);
        if (Files.exists(file)) {
            SafeTensors.Content content = SafeTensors.read(file);
            if (key.equals(content.metadata().get("key"))) {
                return rows(content.tensors().get(LOGITS), train.size(), labels.size());
            }
        }
        float[][] logits;
        try (Teacher teacher = new Teacher()) {
            logits = BatchPredictor.logits(teacher.model, teacher.tokenizer, teacher.ids(train), BATCH,
                    teacher.manager);
        }
        float[] flat = new float[train.size() * labels.size()];
        for (int i = 0; i < logits.length; i++) {
            System.arraycopy(logits[i], 0, flat, i * labels.size(), labels.size());
        }
        Files.createDirectories(workDir);
        SafeTensors.write(file, Map.of(LOGITS, new Tensor(LOGITS, new long[] {train.size(), labels.size()}, flat)),
                Map.of("key", key));
        return logits;
    }

    private static float[][] rows(Tensor tensor, int n, int k) {
        if (tensor == null || tensor.data().length != n * k) {
            throw new IllegalStateException("The teacher's stored outputs do not cover " + n + " texts of " + k
                    + " labels");
        }
        float[][] out = new float[n][k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(tensor.data(), i * k, out[i], 0, k);
        }
        return out;
    }

    /**
     * The teacher as it is: its figures on validation and test, and the student's size and speed against it: after a
     * first pass of the teacher over the test split (its figures, and a warm-up) and a student's batch, both predict
     * the test split's texts in batches of 32, teacher then student, in up to 5 passes while the passes so far took
     * under 2 seconds; each model's fastest pass counts.
     */
    @Override
    public Baseline baseline(Path workDir, BooleanSupplier stopRequested) throws IOException {
        JniUtils.setGradMode(false);
        List<LabelledText> test = examples(Split.TEST);
        List<long[]> studentIds = test.stream().map(t -> tokenizer.ids(t.text())).toList();
        try (Teacher teacher = new Teacher()) {
            TaskMetrics validation = BatchPredictor.evaluate(teacher.model, teacher.tokenizer,
                    examples(Split.VALIDATION), labels, teacher.manager);
            List<long[]> teacherIds = teacher.ids(test);
            float[][] probabilities = BatchPredictor.probabilities(teacher.model, teacher.tokenizer, teacherIds, BATCH,
                    teacher.manager);
            BatchPredictor.probabilities(model, tokenizer, studentIds.subList(0, Math.min(BATCH, test.size())), BATCH,
                    manager);
            double teacherSeconds = Double.MAX_VALUE;
            double studentSeconds = Double.MAX_VALUE;
            double spent = 0;
            for (int pass = 0; pass < PASSES && (pass < 1 || spent < MIN_SECONDS); pass++) {
                double t = seconds(() -> BatchPredictor.probabilities(teacher.model, teacher.tokenizer, teacherIds,
                        BATCH, teacher.manager));
                double s = seconds(() -> BatchPredictor.probabilities(model, tokenizer, studentIds, BATCH, manager));
                teacherSeconds = Math.min(teacherSeconds, t);
                studentSeconds = Math.min(studentSeconds, s);
                spent += t + s;
            }
            TaskMetrics testMetrics = ClassificationMetrics.of(labels, test.stream().mapToInt(LabelledText::label)
                    .toArray(), BatchPredictor.argmax(probabilities));
            StudentSpeed speed = new StudentSpeed(test.size(), size(teacher.model), size(model),
                    test.size() / teacherSeconds, test.size() / studentSeconds);
            return new Baseline(Baseline.TEACHER, 0, 0, validation, testMetrics, Map.of(), speed);
        }
    }

    private static double seconds(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static long size(BertClassifierModel model) {
        return model.parameters().values().stream().mapToLong(NDArray::size).sum();
    }

    /** The teacher loaded in its own manager with its tokenizer, at the run's length; freed on close. */
    private final class Teacher implements AutoCloseable {
        final NDManager manager;
        final TextTokenizer tokenizer;
        final BertClassifierModel model;

        Teacher() throws IOException {
            StartingWeights weights = StartingWeights.of(teacherPoint);
            NDManager m = DistillationRun.this.manager.newSubManager();
            TextTokenizer t = null;
            try {
                t = TextTokenizer.load(new ByteArrayInputStream(weights.tokenizerJson()), spec.config().maxLength());
                this.model = BertClassifierModel.create(m, weights.config(), labels.size(), weights.encoder(),
                        weights.head(), spec.config().seed());
            } catch (IOException | RuntimeException e) {
                if (t != null) {
                    t.close();
                }
                m.close();
                throw e;
            }
            this.tokenizer = t;
            this.manager = m;
        }

        List<long[]> ids(List<LabelledText> texts) {
            return texts.stream().map(t -> tokenizer.ids(t.text())).toList();
        }

        @Override
        public void close() {
            model.close();
            tokenizer.close();
            manager.close();
        }
    }
}
