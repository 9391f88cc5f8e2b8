package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineSourceTest {

    @TempDir
    Path dir;

    @Test
    void resumingAtAReportedPositionYieldsExactlyTheRemainingLines() throws IOException {
        Path file = dir.resolve("in.jsonl");
        Files.writeString(file, "first\r\nsecond é\nthird\n\nlast-without-newline", StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>();
        long offsetAfterTwo = -1;
        try (LineSource source = LineSource.open(file)) {
            RawLine line;
            while ((line = source.next()) != null) {
                all.add(new String(line.bytes(), StandardCharsets.UTF_8));
                if (line.lineNumber() == 2) {
                    offsetAfterTwo = source.offset();
                }
            }
            assertEquals(Files.size(file), source.offset());
        }
        assertEquals(List.of("first", "second é", "third", "", "last-without-newline"), all);

        try (LineSource resumed = LineSource.openAt(file, offsetAfterTwo, 2, LineSource.DEFAULT_MAX_LINE_BYTES)) {
            RawLine third = resumed.next();
            assertEquals(3, third.lineNumber());
            assertEquals("third", new String(third.bytes(), StandardCharsets.UTF_8));
            assertEquals(offsetAfterTwo, third.offset());
            assertEquals("", new String(resumed.next().bytes(), StandardCharsets.UTF_8));
            assertEquals(5, resumed.next().lineNumber());
            assertNull(resumed.next());
        }
    }

    @Test
    void anOverlongLineIsCutAndMarkedWithoutLosingTheNextLine() throws IOException {
        Path file = dir.resolve("long.jsonl");
        Files.writeString(file, "x".repeat(100) + "\nnext\n");
        try (LineSource source = LineSource.openAt(file, 0, 0, 10)) {
            RawLine longLine = source.next();
            assertTrue(longLine.truncated());
            assertEquals(10, longLine.bytes().length);
            RawLine next = source.next();
            assertArrayEquals("next".getBytes(StandardCharsets.UTF_8), next.bytes());
            assertEquals(2, next.lineNumber());
        }
    }

    @Test
    void aCheckpointPastTheEndOfAShrunkFileIsAClearError() throws IOException {
        Path file = dir.resolve("short.jsonl");
        Files.writeString(file, "a\n");
        IOException e = assertThrows(IOException.class, () -> LineSource.openAt(file, 100, 5, 1024));
        assertTrue(e.getMessage().contains("changed since the checkpoint"), e.getMessage());
    }
}
