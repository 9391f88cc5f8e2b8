package io.tuneledger.ml;

import java.util.ArrayList;
import java.util.List;

/**
 * Accuracy, macro-F1, per-class precision, recall, F1 and support, and the confusion matrix (rows: true label,
 * columns: predicted) of a set of predictions.
 */
public record ClassificationMetrics(List<String> labels, double accuracy, double macroF1, List<PerClass> perClass,
        long[][] confusion) {

    /** One class's figures. */
    public record PerClass(String label, double precision, double recall, double f1, long support) {
    }

    /** Computes the metrics from true and predicted label indices. */
    public static ClassificationMetrics of(List<String> labels, int[] truth, int[] predicted) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException(truth.length + " true labels but " + predicted.length + " predictions");
        }
        int k = labels.size();
        long[][] confusion = new long[k][k];
        long correct = 0;
        for (int i = 0; i < truth.length; i++) {
            confusion[truth[i]][predicted[i]]++;
            if (truth[i] == predicted[i]) {
                correct++;
            }
        }
        List<PerClass> per = new ArrayList<>();
        double f1Sum = 0;
        for (int c = 0; c < k; c++) {
            long tp = confusion[c][c];
            long predictedC = 0;
            long support = 0;
            for (int j = 0; j < k; j++) {
                predictedC += confusion[j][c];
                support += confusion[c][j];
            }
            double precision = predictedC == 0 ? 0 : tp / (double) predictedC;
            double recall = support == 0 ? 0 : tp / (double) support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            per.add(new PerClass(labels.get(c), precision, recall, f1, support));
            f1Sum += f1;
        }
        double accuracy = truth.length == 0 ? 0 : correct / (double) truth.length;
        return new ClassificationMetrics(List.copyOf(labels), accuracy, k == 0 ? 0 : f1Sum / k, List.copyOf(per),
                confusion);
    }
}
