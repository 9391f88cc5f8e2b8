package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.weights.LoraWeights;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Classification's part of a training session: a BERT encoder with a linear head over the pooled text, weighted
 * cross-entropy on the true label (class weights balanced when configured, else 1), and macro-F1 on validation. In
 * head mode only {@code classifier.*} trains. A distillation's student also learns the teacher's softened outputs
 * ({@link SoftTargets}).
 */
public final class ClassificationObjective extends EncoderObjective {

    private final List<String> labels;
    private final TextTokenizer tokenizer;
    private final List<LabelledText> train;
    private final List<LabelledText> validation;
    private final List<long[]> trainIds;
    private final List<long[]> validIds;
    private final float[] classWeights;
    private final SoftTargets soft;

    /**
     * What a distillation's student learns besides the labels: the teacher's logits for every training example (in
     * train-split order, labels in the student's order), computed once per run, the temperature {@code T} both sides'
     * logits are divided by, and {@code alpha}, the weight of the soft-target loss
     * {@code T^2 * KL(softmax(teacher / T) || softmax(student / T))} against the cross-entropy's {@code 1 - alpha}
     * (Hinton et al. 2015; the T^2 keeps the soft gradients' scale as T changes). {@code teacher} identifies the
     * teacher's weights in the training state's fingerprint.
     */
    public record SoftTargets(float[][] teacherLogits, float temperature, float alpha, String teacher) {
    }

    public ClassificationObjective(TrainingConfig config, List<String> labels, BertClassifierModel model,
            TextTokenizer tokenizer, List<LabelledText> train, List<LabelledText> validation) {
        this(config, labels, model, tokenizer, train, validation, null);
    }

    public ClassificationObjective(TrainingConfig config, List<String> labels, BertClassifierModel model,
            TextTokenizer tokenizer, List<LabelledText> train, List<LabelledText> validation, SoftTargets soft) {
        super(model);
        if (soft != null && soft.teacherLogits().length != train.size()) {
            throw new IllegalArgumentException("The teacher's outputs cover " + soft.teacherLogits().length
                    + " texts, the train split has " + train.size());
        }
        this.soft = soft;
        if (validation.isEmpty()) {
            throw new IllegalArgumentException("No validation examples");
        }
        this.labels = List.copyOf(labels);
        this.tokenizer = tokenizer;
        this.train = train;
        this.validation = validation;
        this.trainIds = train.stream().map(t -> tokenizer.ids(t.text())).toList();
        this.validIds = validation.stream().map(t -> tokenizer.ids(t.text())).toList();
        this.classWeights = classWeights(config.balancedClassWeights());
    }

    @Override
    public boolean trains(String parameter, TrainingConfig.TrainMode mode) {
        return switch (mode) {
            case FULL -> true;
            case HEAD -> parameter.startsWith("classifier.");
            case LORA -> parameter.startsWith("classifier.") || parameter.endsWith(LoraWeights.A)
                    || parameter.endsWith(LoraWeights.B);
        };
    }

    @Override
    public int trainSize() {
        return train.size();
    }

    @Override
    public NDArray loss(NDManager scope, int[] indices, float dropout, long seed) {
        List<long[]> ids = Arrays.stream(indices).mapToObj(trainIds::get).toList();
        int[] truth = new int[indices.length];
        float[] weights = new float[indices.length];
        for (int i = 0; i < indices.length; i++) {
            truth[i] = train.get(indices[i]).label();
            weights[i] = classWeights[truth[i]];
        }
        NDArray logits = model.logits(scope, tokenizer.pad(ids), true, dropout);
        NDArray hard = crossEntropy(scope, logits, truth, weights);
        if (soft == null) {
            return hard;
        }
        float[][] teacher = new float[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            teacher[i] = soft.teacherLogits()[indices[i]];
        }
        return distillation(scope, logits, teacher, soft.temperature()).mul(soft.alpha())
                .add(hard.mul(1 - soft.alpha()));
    }

    /**
     * {@code T^2} times the mean over the examples of KL(softmax(teacher / T) || softmax(student / T)): zero when the
     * student's softened outputs equal the teacher's. The teacher's logits are constants (no gradient).
     */
    static NDArray distillation(NDManager scope, NDArray studentLogits, float[][] teacherLogits, float temperature) {
        int n = teacherLogits.length;
        int k = teacherLogits[0].length;
        float[] flat = new float[n * k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(teacherLogits[i], 0, flat, i * k, k);
        }
        NDArray teacher = scope.create(flat, new Shape(n, k)).div(temperature);
        NDArray logQ = teacher.logSoftmax(1);
        NDArray kl = logQ.exp().mul(logQ.sub(studentLogits.div(temperature).logSoftmax(1))).sum(new int[] {1});
        return kl.mean().mul(temperature * temperature);
    }

    /**
     * The weighted cross-entropy of {@code logits} (one row per example) against the true labels: the sum of
     * -weight * ln p(true label) over the examples, divided by the sum of the weights.
     */
    static NDArray crossEntropy(NDManager scope, NDArray logits, int[] truth, float[] weights) {
        int n = truth.length;
        int k = (int) logits.getShape().get(1);
        float[] oneHot = new float[n * k];
        for (int i = 0; i < n; i++) {
            oneHot[i * k + truth[i]] = 1f;
        }
        NDArray picked = logits.logSoftmax(1).mul(scope.create(oneHot, new Shape(n, k))).sum(new int[] {1});
        NDArray w = scope.create(weights);
        return picked.mul(w).sum().div(w.sum()).neg();
    }

    @Override
    public Validation validate(NDManager parent, int batchSize) {
        JniUtils.setGradMode(false);
        return validation(BatchPredictor.probabilities(model, tokenizer, validIds, batchSize, parent), labels,
                validation);
    }

    /** Macro-F1 and the rest, and the cross-entropy, of {@code probabilities} for {@code examples}. */
    static Validation validation(float[][] probabilities, List<String> labels, List<LabelledText> examples) {
        int[] truth = examples.stream().mapToInt(LabelledText::label).toArray();
        return new Validation(ClassificationMetrics.of(labels, truth, BatchPredictor.argmax(probabilities)),
                crossEntropy(probabilities, examples));
    }

    /** Mean of -ln p(true label); a probability of 0 counts as the smallest positive float. */
    static double crossEntropy(float[][] probabilities, List<LabelledText> examples) {
        double sum = 0;
        for (int i = 0; i < probabilities.length; i++) {
            sum -= Math.log(Math.max(probabilities[i][examples.get(i).label()], Float.MIN_VALUE));
        }
        return probabilities.length == 0 ? 0 : sum / probabilities.length;
    }

    /** Labels, training-set size and a hash of the training ids and labels. */
    @Override
    public String fingerprint() {
        return soft == null ? fingerprint(labels, train) : fingerprint(labels, train) + "|teacher " + soft.teacher();
    }

    /** Labels, training-set size and a hash of the training ids and labels. */
    static String fingerprint(List<String> labels, List<LabelledText> train) {
        int h = train.stream().map(t -> t.id() + "\u0000" + t.label()).collect(Collectors.joining("\n")).hashCode();
        return labels + "|" + train.size() + "|" + Integer.toHexString(h);
    }

    @Override
    public String metricName() {
        return "validationMacroF1";
    }

    /** Class weights n / (k * count): balanced when asked, else all 1. */
    private float[] classWeights(boolean balanced) {
        float[] w = new float[labels.size()];
        Arrays.fill(w, 1f);
        if (balanced) {
            long[] counts = new long[labels.size()];
            train.forEach(t -> counts[t.label()]++);
            for (int c = 0; c < w.length; c++) {
                w[c] = counts[c] == 0 ? 0f : train.size() / (float) (labels.size() * counts[c]);
            }
        }
        return w;
    }
}
