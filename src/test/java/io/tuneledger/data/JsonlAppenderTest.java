package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlAppenderTest {

    @TempDir
    Path dir;

    @Test
    void reopeningAtTheCommittedLengthDropsWhatWasWrittenAfterIt() throws IOException {
        Path file = dir.resolve("out/accepted.jsonl");
        long committed;
        try (JsonlAppender out = JsonlAppender.openAt(file, 0)) {
            out.append(Json.createObjectBuilder().add("id", "1").build());
            committed = out.sync();
            out.append(Json.createObjectBuilder().add("id", "2-uncommitted").build());
            out.sync();
        }
        try (JsonlAppender out = JsonlAppender.openAt(file, committed)) {
            out.append(Json.createObjectBuilder().add("id", "2").build());
            out.sync();
        }
        assertEquals(List.of("{\"id\":\"1\"}", "{\"id\":\"2\"}"), Files.readAllLines(file));
    }

    @Test
    void aFileShorterThanItsCheckpointIsAnError() throws IOException {
        Path file = dir.resolve("short.jsonl");
        Files.writeString(file, "{}\n");
        assertThrows(IOException.class, () -> JsonlAppender.openAt(file, 100));
        assertEquals("{}\n", Files.readString(file), "the file is left as it was");
    }
}
