package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A parameter larger than AdamW's slice (the word embeddings) is updated slice by slice: its rows end bit for bit where
 * the same rows end when they are a small parameter of their own, updated in one piece.
 */
class AdamWTest {

    @Test
    void aLargeParameterUpdatedInSlicesEndsWhereTheSameRowsEndInOnePiece() {
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
            int rows = 3000;
            int cols = 400; // 1.2 M floats: more than one slice
            m.getEngine().setRandomSeed(5);
            NDArray large = m.randomNormal(new Shape(rows, cols));
            NDIndex head = new NDIndex("0:10");
            NDIndex tail = new NDIndex("2990:3000");
            Map<String, NDArray> parameters = new LinkedHashMap<>();
            parameters.put("big.weight", large);
            parameters.put("head.weight", large.get(head).duplicate());
            parameters.put("tail.weight", large.get(tail).duplicate());
            float[] before = large.get(tail).toFloatArray();
            try (AdamW optimizer = new AdamW(m, parameters, 0.01f)) {
                for (int t = 1; t <= 3; t++) {
                    try (NDManager scope = m.newSubManager()) {
                        NDArray g = scope.randomNormal(new Shape(rows, cols));
                        Map<String, NDArray> gradients = new LinkedHashMap<>();
                        gradients.put("big.weight", g.duplicate());
                        gradients.put("head.weight", g.get(head).duplicate());
                        gradients.put("tail.weight", g.get(tail).duplicate());
                        optimizer.step(scope, gradients, 1e-2f, t, 0.5f);
                    }
                }
            }
            assertArrayEquals(parameters.get("head.weight").toFloatArray(), large.get(head).toFloatArray());
            assertArrayEquals(parameters.get("tail.weight").toFloatArray(), large.get(tail).toFloatArray());
            assertFalse(Arrays.equals(before, large.get(tail).toFloatArray()), "the last slice was updated");
        }
    }
}
