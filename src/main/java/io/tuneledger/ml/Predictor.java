package io.tuneledger.ml;

import java.util.List;
import java.util.Map;

/** A trained classifier loaded from its artifact: the label and the probability of every label for each text. */
public interface Predictor extends AutoCloseable {

    /** One prediction: the most probable label and every label's probability, in the model's label order. */
    record Prediction(String label, Map<String, Float> probabilities) {
    }

    /** The predictions for {@code texts}, in their order. */
    List<Prediction> predict(List<String> texts);

    @Override
    void close();
}
