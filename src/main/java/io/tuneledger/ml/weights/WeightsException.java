package io.tuneledger.ml.weights;

import java.io.IOException;

/** Weights that do not fit the model: missing, unexpected or mis-shaped tensors, each named in the message. */
public class WeightsException extends IOException {

    private static final long serialVersionUID = 1L;

    public WeightsException(String message) {
        super(message);
    }
}
