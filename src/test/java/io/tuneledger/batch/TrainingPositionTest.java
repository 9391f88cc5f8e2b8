package io.tuneledger.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The train step's checkpoint lives serialized in the job repository, so a restart after an upgrade reads one written
 * by the earlier version: training-position.ser was written by the version before the state's SHA-256 was kept.
 */
class TrainingPositionTest {

    @Test
    void aCheckpointOfTheEarlierVersionStillReadsWithoutASha256() throws Exception {
        byte[] earlier = Files.readAllBytes(Path.of("src", "test", "resources", "golden", "v0.1",
                "training-position.ser"));
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(earlier))) {
            TrainingPosition p = (TrainingPosition) in.readObject();
            assertEquals(9, p.steps());
            assertEquals("state-9.safetensors", p.stateFile());
            assertNull(p.sha256(), "not checked: it was never recorded");
        }
    }

    @Test
    void theSha256TravelsWithTheCheckpoint() throws Exception {
        TrainingPosition p = new TrainingPosition(12, "state-12.safetensors", "ab".repeat(32));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(p);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(p, in.readObject());
        }
    }
}
