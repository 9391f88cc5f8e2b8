package io.tuneledger.data;

import jakarta.json.JsonObject;
import io.tuneledger.config.WriteFaults;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends JSON objects, one a line, to a file whose committed length is known. Opening at a length cuts off
 * whatever a failed or killed run wrote after its last checkpoint, so a restarted step writes nothing twice.
 */
public final class JsonlAppender implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;

    private JsonlAppender(Path file, long committedLength) throws IOException {
        Files.createDirectories(file.getParent());
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long size = channel.size();
        if (size < committedLength) {
            channel.close();
            throw new IOException(file + " has " + size + " bytes but its checkpoint says " + committedLength
                    + ": the output was changed outside Tuneledger");
        }
        channel.truncate(committedLength);
        channel.position(committedLength);
    }

    /** Opens {@code file} for appending after its first {@code committedLength} bytes (0: start empty). */
    public static JsonlAppender openAt(Path file, long committedLength) throws IOException {
        return new JsonlAppender(file, committedLength);
    }

    /** Appends one object and a newline. */
    public void append(JsonObject object) throws IOException {
        byte[] bytes = (object.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (WriteFaults.failsNow(file)) {
            channel.write(ByteBuffer.wrap(bytes, 0, bytes.length / 2));
            throw WriteFaults.diskFull(file);
        }
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * Forces what was appended to disk and returns the new length, the value to checkpoint. Forcing first means a
     * checkpoint never points past data that a machine crash could lose.
     */
    public long sync() throws IOException {
        channel.force(false);
        return channel.position();
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
