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
 * Reads and writes the safetensors format (float32 tensors and string metadata): an 8-byte little-endian header
 * length, a JSON header naming each tensor's dtype, shape and byte range, then the raw data. Writes are atomic: a
 * temporary file in the same directory, forced to disk, then renamed over the target.
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
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(in, len, 0);
            long headerLength = len.flip().getLong();
            if (headerLength <= 0 || headerLength > Math.min(size - 8, 100_000_000L)) {
                throw new WeightsException(file + " is not a safetensors file (header length " + headerLength + ")");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(in, headerBytes, 8);
            JsonObject header;
            try (JsonReader reader = Json.createReader(new StringReader(
                    new String(headerBytes.array(), StandardCharsets.UTF_8)))) {
                header = reader.readObject();
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            long dataStart = 8 + headerLength;
            for (Map.Entry<String, JsonValue> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().asJsonObject().forEach((k, v) -> metadata.put(k,
                            v.getValueType() == JsonValue.ValueType.STRING ? ((jakarta.json.JsonString) v).getString()
                                    : v.toString()));
                    continue;
                }
                JsonObject spec = e.getValue().asJsonObject();
                if (!"F32".equals(spec.getString("dtype"))) {
                    throw new WeightsException(file + ": tensor " + e.getKey() + " is " + spec.getString("dtype")
                            + "; only F32 is supported");
                }
                JsonArray shapeJson = spec.getJsonArray("shape");
                long[] shape = new long[shapeJson.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeJson.getJsonNumber(i).longValue();
                }
                JsonArray offsets = spec.getJsonArray("data_offsets");
                long begin = offsets.getJsonNumber(0).longValue();
                long end = offsets.getJsonNumber(1).longValue();
                if (begin < 0 || end < begin || dataStart + end > size) {
                    throw new WeightsException(file + ": tensor " + e.getKey() + " lies outside the file");
                }
                ByteBuffer data = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(in, data, dataStart + begin);
                float[] values = new float[(int) ((end - begin) / 4)];
                data.flip().asFloatBuffer().get(values);
                tensors.put(e.getKey(), new Tensor(e.getKey(), shape, values));
            }
            return new Content(tensors, metadata);
        }
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
