package io.tuneledger.ml.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A minimal reader of the protobuf wire format over a byte buffer: enough to walk an ONNX model's graph without a
 * protobuf runtime or generated classes.
 */
final class ProtobufReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final ByteBuffer buffer;
    private final int end;

    ProtobufReader(ByteBuffer buffer) {
        this.buffer = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.end = this.buffer.limit();
    }

    boolean hasMore() {
        return buffer.position() < end;
    }

    /** Reads a field tag: field number in the high bits, wire type in the low 3. */
    int readTag() throws IOException {
        return (int) readVarint();
    }

    long readVarint() throws IOException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!buffer.hasRemaining()) {
                throw new IOException("Truncated varint at byte " + buffer.position());
            }
            byte b = buffer.get();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IOException("Malformed varint at byte " + buffer.position());
    }

    /** A length-delimited field's content as a view of the underlying buffer (no copy). */
    ByteBuffer readBytes() throws IOException {
        long length = readVarint();
        if (length < 0 || length > buffer.remaining()) {
            throw new IOException("Field length " + length + " exceeds the " + buffer.remaining() + " bytes left");
        }
        ByteBuffer slice = buffer.slice();
        slice.limit((int) length);
        buffer.position(buffer.position() + (int) length);
        return slice.order(ByteOrder.LITTLE_ENDIAN);
    }

    String readString() throws IOException {
        ByteBuffer bytes = readBytes();
        byte[] array = new byte[bytes.remaining()];
        bytes.get(array);
        return new String(array, StandardCharsets.UTF_8);
    }

    void skip(int wireType) throws IOException {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> buffer.position(buffer.position() + 8);
            case LENGTH_DELIMITED -> readBytes();
            case FIXED32 -> buffer.position(buffer.position() + 4);
            default -> throw new IOException("Unsupported wire type " + wireType + " at byte " + buffer.position());
        }
    }
}
