package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDArray;
import io.tuneledger.ml.weights.Tensor;
import io.tuneledger.ml.weights.WeightsException;
import java.util.Map;

/** An objective that trains a {@link BertClassifierModel}: its parameters and weights are the model's. */
abstract class EncoderObjective implements TrainingObjective {

    protected final BertClassifierModel model;

    EncoderObjective(BertClassifierModel model) {
        this.model = model;
    }

    @Override
    public final Map<String, NDArray> parameters() {
        return model.parameters();
    }

    @Override
    public final Map<String, Tensor> weights() {
        return model.toTensors();
    }

    @Override
    public final void load(Map<String, Tensor> weights) throws WeightsException {
        model.load(weights);
    }
}
