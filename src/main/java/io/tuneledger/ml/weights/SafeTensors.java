package io.tuneledger.ml.weights;

import io.tuneledger.ml.AtomicFiles;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes the safetensors format: float32 tensors and string metadata (float16 and bfloat16 are read too,
 * widened to float32). The file is an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
 * shape and byte range, then the raw data. Writes are atomic: a temporary file in the same directory, forced to disk,
 * then renamed over the target.
 */
public final class SafeTensors {

    /** Tensors by name, in file order, and the header's {@code __metadata__}. */
    public record Content(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    private SafeTensors() {
    }

    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        JsonObjectBuilder header = Json.createObjectBuilder();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObjectBuilder meta = Json.createObjectBuilder();
            metadata.forEach(meta::add);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Tensor t : tensors.values()) {
            var shape = Json.createArrayBuilder();
            for (long d : t.shape()) {
                shape.add(d);
            }
            long end = offset + 4L * t.data().length;
            header.add(t.name(), Json.createObjectBuilder().add("dtype", "F32").add("shape", shape)
                    .add("data_offsets", Json.createArrayBuilder().add(offset).add(end)));
            offset = end;
        }
        byte[] json = header.build().toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        AtomicFiles.write(file, out -> {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.position() < head.capacity()) {
                head.put((byte) ' ');
            }
            head.flip();
            writeFully(out, head);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                for (float f : t.data()) {
                    if (!chunk.hasRemaining()) {
                        chunk.flip();
                        writeFully(out, chunk);
                        chunk.clear();
                    }
                    chunk.putFloat(f);
                }
            }
            chunk.flip();
            writeFully(out, chunk);
        });
    }

    public static Content read(Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = forEach(file, t -> tensors.put(t.name(), t));
        return new Content(tensors, metadata);
    }

    /** Receives the tensors of a file one at a time. */
    @FunctionalInterface
    public interface TensorSink {
        void accept(Tensor tensor) throws IOException;
    }

    /**
     * Reads a file one tensor at a time, in file order, so that a large checkpoint never has to be held in memory
     * twice; answers the header's {@code __metadata__}. F32 is read as is, and F16 and BF16 (as Hugging Face
     * checkpoints are usually published) are widened to float32 exactly.
     */
    public static Map<String, String> forEach(Path file, TensorSink sink) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            Header header = header(in, file);
            Map<String, String> metadata = new LinkedHashMap<>();
            long dataStart = header.dataStart();
            for (Map.Entry<String, JsonValue> e : header.json().entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().asJsonObject().forEach((k, v) -> metadata.put(k,
                            v.getValueType() == JsonValue.ValueType.STRING ? ((jakarta.json.JsonString) v).getString()
                                    : v.toString()));
                    continue;
                }
                JsonObject spec = e.getValue().asJsonObject();
                String dtype = spec.getString("dtype");
                int width = switch (dtype) {
                    case "F32" -> 4;
                    case "F16", "BF16" -> 2;
                    default -> throw new WeightsException(file + ": tensor " + e.getKey() + " is " + dtype
                            + "; only F32, F16 and BF16 are supported");
                };
                JsonArray shapeJson = spec.getJsonArray("shape");
                long[] shape = new long[shapeJson.size()];
                long count = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeJson.getJsonNumber(i).longValue();
                    count *= shape[i];
                }
                JsonArray offsets = spec.getJsonArray("data_offsets");
                long begin = offsets.getJsonNumber(0).longValue();
                long end = offsets.getJsonNumber(1).longValue();
                if (begin < 0 || end < begin || dataStart + end > size) {
                    throw new WeightsException(file + ": tensor " + e.getKey() + " lies outside the file");
                }
                if (end - begin != count * width) {
                    throw new WeightsException(file + ": tensor " + e.getKey() + " has " + (end - begin)
                            + " bytes, its shape " + shapeJson + " of " + dtype + " needs " + count * width);
                }
                if (count > Integer.MAX_VALUE - 8) {
                    throw new WeightsException(file + ": tensor " + e.getKey() + " has " + count
                            + " values, more than one array can hold");
                }
                float[] values = new float[(int) count];
                // In pieces of at most 64 MiB, so a large tensor needs no second full-size buffer.
                int perPiece = (1 << 26) / width;
                for (int from = 0; from < values.length; from += perPiece) {
                    int n = Math.min(perPiece, values.length - from);
                    ByteBuffer data = ByteBuffer.allocate(n * width).order(ByteOrder.LITTLE_ENDIAN);
                    readFully(in, data, dataStart + begin + (long) from * width);
                    data.flip();
                    switch (dtype) {
                        case "F32" -> data.asFloatBuffer().get(values, from, n);
                        case "BF16" -> {
                            for (int i = 0; i < n; i++) {
                                values[from + i] = Float.intBitsToFloat((data.getShort() & 0xffff) << 16);
                            }
                        }
                        default -> {
                            for (int i = 0; i < n; i++) {
                                values[from + i] = halfToFloat(data.getShort());
                            }
                        }
                    }
                }
                sink.accept(new Tensor(e.getKey(), shape, values));
            }
            return metadata;
        }
    }

    /**
     * The shape of each tensor of a file by name, in file order, from its header alone (no tensor data is read): what
     * a loader checks before it reads gigabytes.
     */
    public static Map<String, long[]> shapes(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            Map<String, long[]> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonValue> e : header(in, file).json().entrySet()) {
                if (!e.getKey().equals("__metadata__")) {
                    JsonArray shape = e.getValue().asJsonObject().getJsonArray("shape");
                    out.put(e.getKey(), shape.stream().mapToLong(v -> ((jakarta.json.JsonNumber) v).longValue())
                            .toArray());
                }
            }
            return out;
        }
    }

    /** A file's JSON header and where its tensor data begins. */
    private record Header(JsonObject json, long dataStart) {
    }

    private static Header header(FileChannel in, Path file) throws IOException {
        long size = in.size();
        if (size < 8) {
            throw new WeightsException(file + " is not a safetensors file (" + size + " bytes)");
        }
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(in, len, 0);
        long headerLength = len.flip().getLong();
        if (headerLength <= 0 || headerLength > Math.min(size - 8, 100_000_000L)) {
            throw new WeightsException(file + " is not a safetensors file (header length " + headerLength + ")");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(in, headerBytes, 8);
        try (JsonReader reader = Json.createReader(new StringReader(
                new String(headerBytes.array(), StandardCharsets.UTF_8)))) {
            return new Header(reader.readObject(), 8 + headerLength);
        } catch (jakarta.json.JsonException | ClassCastException e) {
            throw new WeightsException(file + " is not a safetensors file (its header is not a JSON object)");
        }
    }

    /** IEEE 754 half precision to float, exactly (subnormals, infinities and NaN included). */
    static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private static void readFully(FileChannel in, ByteBuffer buffer, long position) throws IOException {
        long p = position;
        while (buffer.hasRemaining()) {
            int n = in.read(buffer, p);
            if (n < 0) {
                throw new WeightsException("Unexpected end of file");
            }
            p += n;
        }
    }
}
