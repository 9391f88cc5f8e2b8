package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;

/** LoRA's contribution to a Linear layer, shared by the encoder and the decoder. */
final class Adapters {

    private Adapters() {
    }

    /**
     * The layer's output {@code out} of input {@code x} plus its adapter's {@code dropout(x) A^T B^T * alpha / r}
     * ({@code scale} = alpha / r, a tensor of the caller's scope); dropout only while training.
     */
    static NDArray add(NDArray out, NDArray x, NDArray a, NDArray b, float dropout, boolean training,
            NDArray scale) {
        NDArray in = training && dropout > 0 ? Dropout.dropout(x, dropout, true).singletonOrThrow() : x;
        NDArray low = Linear.linear(in, a).singletonOrThrow();
        return out.add(Linear.linear(low, b).singletonOrThrow().mul(scale));
    }
}
