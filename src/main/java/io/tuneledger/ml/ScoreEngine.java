package io.tuneledger.ml;

import java.util.Arrays;
import java.util.Optional;

/** What runs a classifier when it scores: the model core (PyTorch), or its ONNX export in fp32 or int8. */
public enum ScoreEngine {
    PYTORCH("pytorch"),
    ONNX("onnx"),
    ONNX_INT8("onnx-int8");

    private final String id;

    ScoreEngine(String id) {
        this.id = id;
    }

    /** The name parameters and records use ({@code onnx-int8}). */
    public String id() {
        return id;
    }

    public static Optional<ScoreEngine> byId(String id) {
        return Arrays.stream(values()).filter(e -> e.id.equals(id)).findFirst();
    }
}
