package io.tuneledger.ml.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.ml.EncoderConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightImportTest {

    @TempDir
    Path dir;

    private static Map<String, Tensor> complete(EncoderConfig c) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        BertWeights.encoderShapes(c).forEach((n, s) -> m.put(n, Tensor.zeros(n, s)));
        return m;
    }

    @Test
    void everyMissingUnexpectedOrMisshapedTensorIsNamed() {
        EncoderConfig c = EncoderConfig.tiny(100);
        Map<String, Tensor> weights = complete(c);
        weights.remove("encoder.layer.1.output.dense.bias");
        weights.put("encoder.layer.0.intermediate.dense.weight",
                new Tensor("encoder.layer.0.intermediate.dense.weight", new long[] {32, 64}, new float[32 * 64]));
        weights.put("encoder.layer.9.extra", new Tensor("encoder.layer.9.extra", new long[] {1}, new float[1]));
        WeightsException e = assertThrows(WeightsException.class,
                () -> BertWeights.check(weights, BertWeights.encoderShapes(c), "test.onnx"));
        assertTrue(e.getMessage().contains("missing tensor encoder.layer.1.output.dense.bias"), e.getMessage());
        assertTrue(e.getMessage().contains("tensor encoder.layer.0.intermediate.dense.weight has shape [32, 64],"
                + " expected [64, 32]"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected tensor encoder.layer.9.extra"), e.getMessage());
        assertTrue(e.getMessage().startsWith("Weights from test.onnx"), e.getMessage());
    }

    @Test
    void safetensorsRoundTripKeepsNamesShapesValuesAndMetadata() throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("a.weight", new Tensor("a.weight", new long[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, 0, 7}));
        t.put("b", new Tensor("b", new long[] {1}, new float[] {42}));
        Path file = dir.resolve("m.safetensors");
        SafeTensors.write(file, t, Map.of("step", "12", "note", "quote \" and ünïcode"));
        SafeTensors.Content back = SafeTensors.read(file);
        assertEquals(t.keySet(), back.tensors().keySet());
        assertArrayEquals(new long[] {2, 3}, back.tensors().get("a.weight").shape());
        assertArrayEquals(t.get("a.weight").data(), back.tensors().get("a.weight").data());
        assertEquals("quote \" and ünïcode", back.metadata().get("note"));
    }

    @Test
    void halfPrecisionValuesWidenExactly() {
        assertEquals(1f, SafeTensors.halfToFloat((short) 0x3c00));
        assertEquals(-2f, SafeTensors.halfToFloat((short) 0xc000));
        assertEquals(65504f, SafeTensors.halfToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, SafeTensors.halfToFloat((short) 0x0001));
        assertEquals(-0x1p-14f, SafeTensors.halfToFloat((short) 0x8400));
        assertEquals(Float.POSITIVE_INFINITY, SafeTensors.halfToFloat((short) 0x7c00));
        assertTrue(Float.isNaN(SafeTensors.halfToFloat((short) 0x7e00)));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(SafeTensors.halfToFloat((short) 0x8000)));
    }

    @Test
    void transposeTurnsInOutIntoOutIn() {
        Tensor t = new Tensor("x", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        Tensor tt = t.transpose2d("y");
        assertArrayEquals(new long[] {3, 2}, tt.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, tt.data());
    }
}
