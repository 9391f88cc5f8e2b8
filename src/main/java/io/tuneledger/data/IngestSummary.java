package io.tuneledger.data;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What the ingest step leaves in the staging directory when it reaches the end of its input: the records it read
 * (for the reconciliation) and, for files, the bytes (to notice an input that changed during the job; -1 for tables).
 */
public record IngestSummary(long read, long bytes) {

    /** File name in the staging directory. */
    public static final String FILE = "ingest-summary.json";

    /** Writes the summary all or nothing; writing the same numbers again (a restart) is harmless. */
    public void write(Path staging) throws IOException {
        Files.createDirectories(staging);
        Path tmp = staging.resolve(FILE + ".tmp");
        Files.writeString(tmp, Json.createObjectBuilder().add("read", read).add("bytes", bytes).build().toString(),
                StandardCharsets.UTF_8);
        Files.move(tmp, staging.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads the summary; an error when the ingest step did not finish. */
    public static IngestSummary read(Path staging) throws IOException {
        Path file = staging.resolve(FILE);
        if (!Files.exists(file)) {
            throw new IOException("the ingest step left no summary at " + file + ": it did not finish");
        }
        try (var r = Json.createReader(Files.newBufferedReader(file))) {
            JsonObject o = r.readObject();
            JsonNumber bytes = o.getJsonNumber("bytes");
            return new IngestSummary(o.getJsonNumber("read").longValue(), bytes == null ? -1 : bytes.longValue());
        }
    }
}
