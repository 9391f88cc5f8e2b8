package io.tuneledger.ml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A trained classifier loaded from its artifact: the label and the probability of every label for each text. */
public interface Predictor extends AutoCloseable {

    /** One prediction: the most probable label and every label's probability, in the model's label order. */
    record Prediction(String label, Map<String, Float> probabilities) {
    }

    /**
     * Predictions from per-class probabilities [text][class] in {@code labels}' order: the label is the most
     * probable one (the first of equals).
     */
    static List<Prediction> predictions(List<String> labels, float[][] probabilities) {
        List<Prediction> out = new ArrayList<>(probabilities.length);
        for (float[] row : probabilities) {
            int best = 0;
            Map<String, Float> byLabel = new LinkedHashMap<>();
            for (int c = 0; c < labels.size(); c++) {
                byLabel.put(labels.get(c), row[c]);
                if (row[c] > row[best]) {
                    best = c;
                }
            }
            out.add(new Prediction(labels.get(best), byLabel));
        }
        return out;
    }

    /** The predictions for {@code texts}, in their order. */
    List<Prediction> predict(List<String> texts);

    @Override
    void close();
}
