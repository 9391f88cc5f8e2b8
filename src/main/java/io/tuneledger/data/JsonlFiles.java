package io.tuneledger.data;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

/** Reading and writing the JSONL files of the data store. */
public final class JsonlFiles {

    private JsonlFiles() {
    }

    /** Calls {@code each} for every object of a JSONL file, in order. */
    public static void forEach(Path file, Consumer<JsonObject> each) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try (JsonReader r = Json.createReader(new StringReader(line))) {
                    each.accept(r.readObject());
                }
            }
        }
    }

    /** The SHA-256 of a file's bytes, in lower-case hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest d = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), d)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** The SHA-256 of a text's UTF-8 bytes, in lower-case hex. */
    public static String sha256(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a JSONL file all or nothing: lines go to a temporary file that is forced to disk and then renamed over
     * the target, so a crash leaves either the old file or the complete new one. Counts lines and hashes the bytes.
     */
    public static final class AtomicWriter implements AutoCloseable {
        private final Path target;
        private final Path temp;
        private final FileChannel channel;
        private final OutputStream out;
        private final MessageDigest digest = sha256();
        private long lines;
        private boolean committed;

        public AtomicWriter(Path target) throws IOException {
            this.target = target;
            Files.createDirectories(target.toAbsolutePath().getParent());
            this.temp = target.resolveSibling(target.getFileName() + ".tmp");
            this.channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            this.out = new java.io.BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        }

        public void write(JsonObject object) {
            byte[] bytes = (object.toString() + "\n").getBytes(StandardCharsets.UTF_8);
            try {
                out.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            digest.update(bytes);
            lines++;
        }

        public long lines() {
            return lines;
        }

        /** Forces the data to disk, renames it into place and returns its SHA-256. */
        public String commit() throws IOException {
            out.flush();
            channel.force(true);
            out.close();
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
            return HexFormat.of().formatHex(digest.digest());
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                out.close();
                Files.deleteIfExists(temp);
            }
        }
    }
}
