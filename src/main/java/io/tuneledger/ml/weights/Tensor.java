package io.tuneledger.ml.weights;

import java.util.Arrays;

/** A named float32 tensor in row-major order, as read from or written to a weights file. */
public record Tensor(String name, long[] shape, float[] data) {

    public Tensor {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("Tensor " + name + ": shape " + Arrays.toString(shape) + " holds " + n
                    + " values, data has " + data.length);
        }
    }

    /** A tensor of zeros. */
    public static Tensor zeros(String name, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return new Tensor(name, shape, new float[Math.toIntExact(n)]);
    }

    /** The 2-D transpose: [rows, cols] becomes [cols, rows]. */
    public Tensor transpose2d(String newName) {
        if (shape.length != 2) {
            throw new IllegalArgumentException("Tensor " + name + " is not 2-D: " + Arrays.toString(shape));
        }
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        float[] out = new float[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = data[r * cols + c];
            }
        }
        return new Tensor(newName, new long[] {cols, rows}, out);
    }

    public Tensor renamed(String newName) {
        return new Tensor(newName, shape, data);
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }
}
