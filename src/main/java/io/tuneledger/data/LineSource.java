package io.tuneledger.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Streams a file line by line (LF or CRLF) while tracking the exact byte position, so that a reader can
 * checkpoint where it is and later resume there without reading anything twice. Memory stays flat: a line
 * longer than {@code maxLineBytes} is cut, marked truncated and the rest of it skipped.
 */
public final class LineSource implements AutoCloseable {

    /** Lines longer than this are not kept whole; the consumer quarantines them. */
    public static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

    private final FileChannel channel;
    private final InputStream in;
    private final long size;
    private final int maxLineBytes;
    private long offset;
    private long lineNumber;

    private LineSource(Path file, long offset, long linesBefore, int maxLineBytes) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.size = channel.size();
        if (offset < 0 || offset > size) {
            channel.close();
            throw new IOException("Position " + offset + " is outside " + file + " (" + size
                    + " bytes): the input file changed since the checkpoint");
        }
        channel.position(offset);
        this.in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
        this.offset = offset;
        this.lineNumber = linesBefore;
        this.maxLineBytes = maxLineBytes;
    }

    /** Opens {@code file} at its start. */
    public static LineSource open(Path file) throws IOException {
        return new LineSource(file, 0, 0, DEFAULT_MAX_LINE_BYTES);
    }

    /** Opens {@code file} at byte {@code offset}, where {@code linesBefore} lines have already been read. */
    public static LineSource openAt(Path file, long offset, long linesBefore, int maxLineBytes) throws IOException {
        return new LineSource(file, offset, linesBefore, maxLineBytes);
    }

    /** The next line without its terminator, or {@code null} at the end of the file. */
    public RawLine next() throws IOException {
        long start = offset;
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        boolean truncated = false;
        int b;
        boolean any = false;
        while ((b = in.read()) != -1) {
            any = true;
            offset++;
            if (b == '\n') {
                break;
            }
            if (line.size() < maxLineBytes) {
                line.write(b);
            } else {
                truncated = true;
            }
        }
        if (!any) {
            return null;
        }
        byte[] bytes = line.toByteArray();
        if (bytes.length > 0 && bytes[bytes.length - 1] == '\r' && !truncated) {
            bytes = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        }
        lineNumber++;
        return new RawLine(lineNumber, start, bytes, truncated);
    }

    /** Byte offset of the next unread line. */
    public long offset() {
        return offset;
    }

    /** Number of lines read from the start of the file so far. */
    public long lineNumber() {
        return lineNumber;
    }

    /** Size of the file in bytes when it was opened. */
    public long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        in.close();
        channel.close();
    }
}
