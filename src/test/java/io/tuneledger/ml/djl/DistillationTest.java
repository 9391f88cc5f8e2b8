package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.Baseline;
import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.Predictor;
import io.tuneledger.ml.RunSpec;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.StartingPoint;
import io.tuneledger.ml.TaskRun;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.TrainingSession;
import io.tuneledger.ml.weights.SafeTensors;
import io.tuneledger.ml.weights.Tensor;
import jakarta.json.Json;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distillation on the classification task's seam, on tiny random encoders: the soft-target loss is T^2 times the
 * Kullback-Leibler divergence of the softened outputs; a student cut from the teacher keeps its embeddings, first
 * layers and head; a run interrupted and restored ends with the same weights as an uninterrupted one, on teacher
 * outputs computed once and kept; a student from another encoder that learns from the teacher (trained a little on
 * the texts) alone comes to agree with it; the baseline is the teacher, with both models' size and speed.
 */
class DistillationTest {

    static final List<String> LABELS = List.of("ham", "spam");

    @TempDir
    Path dir;

    static Path teacher;
    static Path otherEncoder;
    static Path dataset;

    @BeforeAll
    static void models(@TempDir Path shared) throws Exception {
        FineTunerResumeTest.data();
        byte[] tokenizer;
        try (InputStream in = BaseModel.ALL_MINILM_L6_V2.openTokenizer()) {
            tokenizer = in.readAllBytes();
        }
        teacher = shared.resolve("teacher");
        otherEncoder = shared.resolve("other");
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                TextTokenizer words = TextTokenizer.load(new java.io.ByteArrayInputStream(tokenizer), 24);
                BertClassifierModel t = BertClassifierModel.create(manager, FineTunerResumeTest.TINY, 2,
                        FineTunerResumeTest.randomEncoder(1), null, 1);
                BertClassifierModel o = BertClassifierModel.encoderOnly(manager, FineTunerResumeTest.TINY,
                        FineTunerResumeTest.randomEncoder(9))) {
            TrainingConfig config = TrainingConfig.builder().optEpochs(8).optBatchSize(8).optLearningRate(5e-3f)
                    .optMaxLength(24).optCheckpointEverySteps(100).build();
            new FineTuner(config, LABELS, shared.resolve("teacher-training")).train(t, words,
                    FineTunerResumeTest.train, FineTunerResumeTest.validation, new FineTuner.Listener() { });
            ModelArtifact.save(teacher, t, LABELS, tokenizer, Json.createObjectBuilder().add("training",
                    Json.createObjectBuilder().add(TrainingParameters.MAX_LENGTH.name(), 24)).build());
            ModelArtifact.save(otherEncoder, o, List.of(), tokenizer, Json.createObjectBuilder().build());
        }
        dataset = shared.resolve("dataset");
        Files.createDirectories(dataset);
        write(dataset.resolve(Split.TRAIN.fileName()), FineTunerResumeTest.train.subList(0, 32));
        write(dataset.resolve(Split.VALIDATION.fileName()), FineTunerResumeTest.validation);
        write(dataset.resolve(Split.TEST.fileName()), FineTunerResumeTest.train.subList(32, 44));
    }

    private static void write(Path file, List<LabelledText> texts) throws Exception {
        StringBuilder out = new StringBuilder();
        for (LabelledText t : texts) {
            out.append(Json.createObjectBuilder().add("id", t.id()).add("text", t.text())
                    .add("label", LABELS.get(t.label())).build()).append('\n');
        }
        Files.writeString(file, out);
    }

    private static RunSpec spec(String student, int layers, float alpha, int epochs) {
        TrainingConfig config = TrainingConfig.builder().optEpochs(epochs).optBatchSize(8).optLearningRate(1e-2f)
                .optMaxLength(24).optCheckpointEverySteps(100).build().withTaskSettings(Map.of(
                        TrainingParameters.DISTILL_TEACHER.name(), "teacher:1",
                        TrainingParameters.DISTILL_STUDENT.name(), student,
                        TrainingParameters.DISTILL_LAYERS.name(), layers,
                        TrainingParameters.DISTILL_TEMPERATURE.name(), 2f,
                        TrainingParameters.DISTILL_ALPHA.name(), alpha));
        StartingPoint teacherPoint = StartingPoint.of(teacher, "teacher:1");
        StartingPoint start = student.equals(TrainingParameters.TEACHER) ? teacherPoint
                : StartingPoint.of(otherEncoder, "other");
        return new RunSpec(dataset, "mails v1", start, config, teacherPoint);
    }

    @Test
    void theSoftLossIsTemperatureScaledKullbackLeiblerAndZeroWhenTheStudentMatches() {
        float[][] teacherLogits = {{2f, -1f, 0.5f}, {0f, 3f, -2f}};
        float[] student = {1f, 0f, 0f, -1f, 2f, 1f};
        float t = 2f;
        double expected = 0;
        for (int i = 0; i < 2; i++) {
            double[] q = softmax(teacherLogits[i], t);
            double[] p = softmax(new float[] {student[3 * i], student[3 * i + 1], student[3 * i + 2]}, t);
            for (int c = 0; c < 3; c++) {
                expected += q[c] * Math.log(q[c] / p[c]);
            }
        }
        expected = expected / 2 * t * t;
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            float loss = ClassificationObjective.distillation(m, m.create(student, new Shape(2, 3)), teacherLogits, t)
                    .getFloat();
            assertEquals(expected, loss, 1e-5);
            float same = ClassificationObjective.distillation(m, m.create(new float[] {2f, -1f, 0.5f, 0f, 3f, -2f},
                    new Shape(2, 3)), teacherLogits, t).getFloat();
            assertEquals(0, same, 1e-6);
        }
    }

    private static double[] softmax(float[] logits, float t) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v / t);
        }
        double sum = 0;
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = Math.exp(logits[i] / t - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    @Test
    void aStudentCutFromTheTeacherKeepsItsFirstLayersAndHeadAndResumesExactly() throws Exception {
        RunSpec spec = spec(TrainingParameters.TEACHER, 1, 0.5f, 2);
        Map<String, Tensor> straight = train(spec, dir.resolve("straight"), -1);
        Map<String, Tensor> teacherWeights = StartingWeights.of(spec.teacher()).encoder();
        try (TaskRun run = new DjlClassificationTask().open(spec)) {
            Map<String, Tensor> student = ((DistillationRun) run).model.toTensors();
            assertFalse(student.keySet().stream().anyMatch(n -> n.startsWith("encoder.layer.1.")), "one layer kept");
            for (String name : List.of("embeddings.word_embeddings.weight",
                    "encoder.layer.0.attention.self.query.weight")) {
                assertArrayEquals(teacherWeights.get(name).data(), student.get(name).data(), 0f, name);
            }
            assertArrayEquals(StartingWeights.of(spec.teacher()).head().get("classifier.weight").data(),
                    student.get("classifier.weight").data(), 0f, "the teacher's head");
        }
        Path logits = dir.resolve("straight").resolve(DistillationRun.TEACHER_LOGITS);
        assertEquals(32, SafeTensors.read(logits).tensors().get("logits").shape()[0], "the teacher's outputs, kept");

        Map<String, Tensor> resumed = train(spec, dir.resolve("killed"), 3);
        assertEquals(straight.keySet(), resumed.keySet());
        straight.forEach((name, t) -> assertArrayEquals(t.data(), resumed.get(name).data(), 0f, name));

        Map<String, Tensor> labelsOnly = train(spec(TrainingParameters.TEACHER, 1, 0f, 2), dir.resolve("hard"), -1);
        assertFalse(java.util.Arrays.equals(straight.get("classifier.weight").data(),
                labelsOnly.get("classifier.weight").data()), "the teacher's outputs change what the student learns");

        assertThrows(IllegalStateException.class, () -> new DjlClassificationTask().open(
                spec(TrainingParameters.TEACHER, 3, 0.5f, 1)), "a 2-layer teacher cannot give 3 layers");
    }

    /**
     * Trains through the task seam; with {@code killAfter} >= 0 it saves the state after that many steps, drops run and
     * session, and goes on from the state in a new run (as a restarted job does).
     */
    private static Map<String, Tensor> train(RunSpec spec, Path workDir, int killAfter) throws Exception {
        Path state = workDir.resolve("state.safetensors");
        DjlClassificationTask task = new DjlClassificationTask();
        if (killAfter >= 0) {
            try (TaskRun run = task.open(spec)) {
                TrainingSession session = run.newSession(workDir);
                for (int i = 0; i < killAfter; i++) {
                    session.step();
                }
                session.save(state);
                session.close();
            }
        }
        try (TaskRun run = task.open(spec)) {
            TrainingSession session = run.newSession(workDir);
            if (killAfter >= 0) {
                session.restore(state);
            }
            while (!session.finished()) {
                session.step();
            }
            session.close();
            return ((DistillationRun) run).model.toTensors();
        }
    }

    @Test
    void aStudentThatLearnsFromTheTeacherAloneComesToAgreeWithItAndTheBaselineIsTheTeacher() throws Exception {
        RunSpec spec = spec("other", 0, 1f, 6);
        DjlClassificationTask task = new DjlClassificationTask();
        List<String> texts = FineTunerResumeTest.train.subList(0, 32).stream().map(LabelledText::text).toList();
        List<String> teacherSays;
        try (Predictor p = ClassifierPredictor.load(teacher, true)) {
            teacherSays = p.predict(texts).stream().map(Predictor.Prediction::label).toList();
        }
        assertTrue(teacherSays.contains("ham") && teacherSays.contains("spam"), "the teacher uses both labels");
        Baseline baseline;
        double before;
        double after;
        Path artifact = dir.resolve("artifact");
        try (TaskRun run = task.open(spec)) {
            before = agreement(run, teacherSays, texts);
            baseline = run.baseline(dir.resolve("baseline"), () -> false);
            TrainingSession session = run.newSession(dir.resolve("train"));
            while (!session.finished()) {
                session.step();
            }
            session.close();
            after = agreement(run, teacherSays, texts);
            run.export(artifact, Json.createObjectBuilder().build());
        }
        assertTrue(after >= 0.85 && after > before + 0.2, "agreement with the teacher " + before + " -> " + after);
        assertEquals(Baseline.TEACHER, baseline.mode());
        assertNotNull(baseline.speed());
        assertEquals(12, baseline.speed().texts());
        assertEquals(baseline.speed().teacherParameters(), baseline.speed().studentParameters(),
                "the other encoder has the teacher's shape");
        assertTrue(baseline.speed().teacherTextsPerSecond() > 0 && baseline.speed().studentTextsPerSecond() > 0);
        ClassificationMetrics teacherTest;
        try (Predictor p = ClassifierPredictor.load(teacher, true)) {
            List<LabelledText> test = FineTunerResumeTest.train.subList(32, 44);
            teacherTest = ClassificationMetrics.of(LABELS, test.stream().mapToInt(LabelledText::label).toArray(),
                    p.predict(test.stream().map(LabelledText::text).toList()).stream()
                            .mapToInt(x -> LABELS.indexOf(x.label())).toArray());
        }
        assertEquals(teacherTest.accuracy(), ((ClassificationMetrics) baseline.test()).accuracy(), 1e-9,
                "the baseline is the teacher on the test split");
        assertEquals(LABELS, ModelArtifact.load(artifact).labels(), "the student keeps the teacher's labels");
    }

    private static double agreement(TaskRun run, List<String> teacherSays, List<String> texts) {
        DistillationRun d = (DistillationRun) run;
        List<long[]> ids = texts.stream().map(d.tokenizer::ids).toList();
        int[] student = BatchPredictor.argmax(BatchPredictor.probabilities(d.model, d.tokenizer, ids, 16, d.manager));
        int same = 0;
        for (int i = 0; i < student.length; i++) {
            same += LABELS.get(student[i]).equals(teacherSays.get(i)) ? 1 : 0;
        }
        return same / (double) student.length;
    }
}
