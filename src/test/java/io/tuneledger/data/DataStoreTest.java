package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataStoreTest {

    @TempDir
    Path dir;

    private DataStore store;
    private Path inbox;
    private Path samples;

    @BeforeEach
    void layout() throws Exception {
        inbox = Files.createDirectories(dir.resolve("home/inbox"));
        samples = Files.createDirectories(dir.resolve("samples"));
        Files.writeString(samples.resolve("s.jsonl"), "{}\n");
        Files.writeString(inbox.resolve("s.jsonl"), "{}\n");
        Files.writeString(dir.resolve("secret.txt"), "no\n");
        store = new DataStore(dir.resolve("home"), List.of(inbox, samples));
    }

    @Test
    void relativePathsAreLookedUpInTheRootsInOrder() throws Exception {
        assertEquals(inbox.resolve("s.jsonl").toRealPath(), store.resolveInput("s.jsonl"));
        Files.delete(inbox.resolve("s.jsonl"));
        assertEquals(samples.resolve("s.jsonl").toRealPath(), store.resolveInput("s.jsonl"));
        assertEquals(samples.resolve("s.jsonl").toRealPath(),
                store.resolveInput(samples.resolve("s.jsonl").toString()));
    }

    @Test
    void pathsLeadingOutsideTheRootsAreRefused() throws Exception {
        InputPathException dots = assertThrows(InputPathException.class, () -> store.resolveInput("../../secret.txt"));
        assertTrue(dots.getMessage().contains("outside the data roots"), dots.getMessage());
        assertThrows(InputPathException.class, () -> store.resolveInput(dir.resolve("secret.txt").toString()));
        Files.createSymbolicLink(inbox.resolve("link.jsonl"), dir.resolve("secret.txt"));
        InputPathException link = assertThrows(InputPathException.class, () -> store.resolveInput("link.jsonl"));
        assertTrue(link.getMessage().contains("outside the data roots"), link.getMessage());
    }

    @Test
    void missingFilesAndDirectoriesAreClearErrors() {
        assertTrue(assertThrows(InputPathException.class, () -> store.resolveInput("nope.jsonl"))
                .getMessage().contains("no such file"));
        assertTrue(assertThrows(InputPathException.class, () -> store.resolveInput("."))
                .getMessage().contains("not a regular file"));
        assertThrows(InputPathException.class, () -> store.resolveInput(" "));
    }
}
