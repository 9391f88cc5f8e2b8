package io.tuneledger.bench;

import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.Baseline;
import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.RunSpec;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.StartingPoint;
import io.tuneledger.ml.TaskRun;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.TrainingSession;
import io.tuneledger.ml.djl.DjlClassificationTask;
import jakarta.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Students against their teacher, through the classification task's seam as the distill job runs them: a teacher
 * fine-tuned from bge-small-en-v1.5 (12 layers) with the fine-tune job's defaults, then students of its first layers
 * trained with the distill job's defaults on the labels and the teacher's softened outputs (and once at fine-tune's
 * learning rate), the same students on the labels alone, and a smaller base model (all-MiniLM-L6-v2)
 * distilled. Each student's baseline step measures teacher and student on the held-out texts (the test split); the
 * figures are held-out accuracy and macro-F1, weights, texts per second and the ratio against the teacher. Prints one
 * Markdown table row per model. Arguments: labelled JSONL file, records to train on, held-out records, tokens.
 */
public final class DistillBench {

    private DistillBench() {
    }

    public static void main(String[] args) throws Exception {
        List<LabelledText> all = new ArrayList<>(BenchData.mails(Path.of(args[0])));
        Collections.shuffle(all, new Random(42));
        int trainCount = Integer.parseInt(args[1]);
        int heldOutCount = Integer.parseInt(args[2]);
        int tokens = Integer.parseInt(args[3]);
        Path work = Files.createTempDirectory("distill-bench");
        Path data = work.resolve("dataset");
        Files.createDirectories(data);
        write(data.resolve(Split.TRAIN.fileName()), all.subList(0, trainCount));
        write(data.resolve(Split.VALIDATION.fileName()), all.subList(trainCount, trainCount + 64));
        write(data.resolve(Split.TEST.fileName()), all.subList(trainCount + 64,
                Math.min(all.size(), trainCount + 64 + heldOutCount)));
        int epochs = TrainingParameters.EPOCHS.defaultValue() == null ? 3 : Integer.parseInt(
                TrainingParameters.EPOCHS.defaultValue());
        TrainingConfig base = TrainingConfig.builder().optEpochs(epochs).optMaxLength(tokens)
                .optLearningRate(Float.parseFloat(TrainingParameters.LEARNING_RATE.defaultValue()))
                .optCheckpointEverySteps(1000).build();
        float distillRate = Float.parseFloat(TrainingParameters.DISTILL_LEARNING_RATE);
        DjlClassificationTask task = new DjlClassificationTask();

        Path teacherDir = work.resolve("teacher");
        RunSpec teacherSpec = new RunSpec(data, "mails", StartingPoint.of(BaseModel.BGE_SMALL_EN_V15), base);
        try (TaskRun run = task.open(teacherSpec)) {
            train(run, work.resolve("teacher-train"));
            run.export(teacherDir, Json.createObjectBuilder().add("training", Json.createObjectBuilder()
                    .add(TrainingParameters.MAX_LENGTH.name(), tokens)).build());
        }
        StartingPoint teacher = StartingPoint.of(teacherDir, "teacher");
        Map<String, Object[]> students = new LinkedHashMap<>();
        float fineTuneRate = base.learningRate();
        students.put("first 6 layers, distilled (alpha 0.5)", new Object[] {TrainingParameters.TEACHER, 6, 0.5f,
                distillRate});
        students.put("first 6 layers, labels only (alpha 0)", new Object[] {TrainingParameters.TEACHER, 6, 0f,
                distillRate});
        students.put("first 6 layers, distilled, at fine-tune's learning rate", new Object[] {
                TrainingParameters.TEACHER, 6, 0.5f, fineTuneRate});
        students.put("first 3 layers, distilled (alpha 0.5)", new Object[] {TrainingParameters.TEACHER, 3, 0.5f,
                distillRate});
        students.put("first 3 layers, labels only (alpha 0)", new Object[] {TrainingParameters.TEACHER, 3, 0f,
                distillRate});
        students.put("all-MiniLM-L6-v2, distilled (alpha 0.5)", new Object[] {BaseModel.ALL_MINILM_L6_V2.id(), 0,
                0.5f, distillRate});
        boolean first = true;
        for (Map.Entry<String, Object[]> s : students.entrySet()) {
            String student = (String) s.getValue()[0];
            float rate = (Float) s.getValue()[3];
            TrainingConfig config = TrainingConfig.builder().optEpochs(epochs).optMaxLength(tokens)
                    .optLearningRate(rate).optCheckpointEverySteps(1000).build().withTaskSettings(Map.of(
                    TrainingParameters.DISTILL_TEACHER.name(), "teacher",
                    TrainingParameters.DISTILL_STUDENT.name(), student,
                    TrainingParameters.DISTILL_LAYERS.name(), s.getValue()[1],
                    TrainingParameters.DISTILL_TEMPERATURE.name(), 2f,
                    TrainingParameters.DISTILL_ALPHA.name(), s.getValue()[2]));
            StartingPoint start = student.equals(TrainingParameters.TEACHER) ? teacher
                    : StartingPoint.of(BaseModel.byId(student).orElseThrow());
            try (TaskRun run = task.open(new RunSpec(data, "mails", start, config, teacher))) {
                Baseline baseline = run.baseline(work.resolve("baseline"), () -> false);
                double secondsPerStep = train(run, work.resolve("train-" + s.getKey().hashCode()));
                ClassificationMetrics test = (ClassificationMetrics) run.evaluate(Split.TEST);
                var speed = baseline.speed();
                if (first) {
                    ClassificationMetrics t = (ClassificationMetrics) baseline.test();
                    System.out.printf("| teacher: bge-small-en-v1.5 fine-tuned, 12 layers | %.0e | %.4f | %.4f | %.1f M |"
                            + " %.1f (1.00 x) | |%n", fineTuneRate, t.accuracy(), t.macroF1(), speed.teacherParameters() / 1e6,
                            speed.teacherTextsPerSecond());
                    first = false;
                }
                System.out.printf("| %s | %.0e | %.4f | %.4f | %.1f M | %.1f (%.2f x) | %.2f |%n", s.getKey(),
                        rate, test.accuracy(), test.macroF1(), speed.studentParameters() / 1e6,
                        speed.studentTextsPerSecond(), speed.speedup(), secondsPerStep);
            }
        }
        System.out.println("held_out=" + Math.min(all.size() - trainCount - 64, heldOutCount));
        System.out.println("epochs=" + epochs);
    }

    /** Trains to the end and loads the best weights; answers the seconds per step (the steps alone). */
    private static double train(TaskRun run, Path dir) throws Exception {
        TrainingSession session = run.newSession(dir);
        try {
            long nanos = 0;
            while (!session.finished()) {
                long t0 = System.nanoTime();
                session.step();
                nanos += System.nanoTime() - t0;
            }
            run.loadWeights(session.bestWeights());
            return nanos / 1e9 / session.steps();
        } finally {
            session.close();
        }
    }

    private static void write(Path file, List<LabelledText> texts) throws Exception {
        StringBuilder out = new StringBuilder();
        for (LabelledText t : texts) {
            out.append(Json.createObjectBuilder().add("id", t.id()).add("text", t.text())
                    .add("label", BenchData.LABELS.get(t.label())).build()).append('\n');
        }
        Files.writeString(file, out);
    }
}
