package io.tuneledger.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerKeysTest {

    @TempDir
    Path dir;

    @Test
    void keysAreKeptPrivatelyAndSurviveAReopenAndARotation() throws Exception {
        LedgerKeys keys = LedgerKeys.open(dir);
        assertEquals("k1", keys.currentId());
        String mac = keys.mac("k1", "some hash");
        assertEquals(64, mac.length());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(LedgerKeys.STORE))));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(LedgerKeys.PASSWORD))));

        assertEquals("k2", keys.rotate());
        LedgerKeys reopened = LedgerKeys.open(dir);
        assertEquals(List.of("k1", "k2"), reopened.ids());
        assertEquals("k2", reopened.currentId());
        assertEquals(mac, reopened.mac("k1", "some hash"), "an old key still verifies what it signed");
        assertNotEquals(mac, reopened.mac("k2", "some hash"));
        assertNull(reopened.mac("k9", "some hash"), "an unknown key");
        assertNull(reopened.mac("'; drop", "some hash"));
    }

    @Test
    void anotherStoreMakesOtherMacs() {
        Path other = dir.resolve("other");
        assertNotEquals(LedgerKeys.open(dir).mac("k1", "x"), LedgerKeys.open(other).mac("k1", "x"));
    }

    @Test
    void anchorsReadBackAndAnAlteredLineIsFound() throws Exception {
        LedgerKeys keys = LedgerKeys.open(dir);
        LedgerAnchors anchors = new LedgerAnchors(dir.resolve("anchors.jsonl"), keys);
        anchors.create(5);
        anchors.anchor(7, "a".repeat(64));
        anchors.anchor(9, "b".repeat(64));
        LedgerAnchors.Contents read = anchors.read();
        assertEquals(5, read.macFrom());
        assertEquals(List.of(), read.problems());
        assertEquals(2, read.anchors().size());
        assertEquals(9, read.last().seq());
        assertTrue(read.anchors().stream().allMatch(LedgerAnchors.Anchor::valid));

        Path file = dir.resolve("anchors.jsonl");
        Files.writeString(file, Files.readString(file).replace("\"seq\":7", "\"seq\":8"), StandardCharsets.UTF_8);
        LedgerAnchors.Contents altered = anchors.read();
        assertFalse(altered.anchors().get(0).valid());
        assertEquals(1, altered.problems().size());
        assertTrue(altered.problems().get(0).startsWith("line 2 "), altered.problems().toString());
    }
}
