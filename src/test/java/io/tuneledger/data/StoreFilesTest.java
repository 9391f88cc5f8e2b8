package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain classes behind the register, merge and retention steps, on files only. */
class StoreFilesTest {

    @TempDir
    Path dir;

    private Path build(String name, long instance) throws IOException {
        Path b = dir.resolve(name);
        Files.createDirectories(b);
        Files.writeString(b.resolve("manifest.json"), "{\"job\":{\"instanceId\":" + instance + "}}");
        Files.writeString(b.resolve("train.jsonl"), "{}\n");
        return b;
    }

    @Test
    void aVersionMovesIntoPlaceReadOnlyAndOnlyItsOwnLeftoverIsReclaimed() throws Exception {
        Path target = dir.resolve("datasets").resolve("mails").resolve("v1");
        VersionDirectories.moveIntoPlace(build("build-a", 5), target, "manifest.json", 5);
        assertTrue(Files.exists(target.resolve("train.jsonl")));
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"),
                Files.getPosixFilePermissions(target.resolve("train.jsonl")), "read-only once registered");

        // A crash between the move and the commit leaves the directory without a row: the same instance reclaims it.
        VersionDirectories.moveIntoPlace(build("build-b", 5), target, "manifest.json", 5);
        assertTrue(Files.notExists(dir.resolve("build-b")));
        IOException other = assertThrows(IOException.class,
                () -> VersionDirectories.moveIntoPlace(build("build-c", 6), target, "manifest.json", 6));
        assertTrue(other.getMessage().contains("is not registered"), other.getMessage());
        assertTrue(Files.exists(dir.resolve("build-c")), "nothing of another instance is touched");
        VersionDirectories.deleteTree(target);
        assertTrue(Files.notExists(target));
    }

    /** ham, spam probabilities in the model's label order. */
    private static Map<String, Float> ordered(float ham, float spam) {
        Map<String, Float> m = new java.util.LinkedHashMap<>();
        m.put("ham", ham);
        m.put("spam", spam);
        return m;
    }

    @Test
    void theMergeJoinsThePartsInInputOrderAndRefusesAMissingRecord() throws Exception {
        Path runDir = dir.resolve("score");
        Files.createDirectories(runDir);
        Files.write(runDir.resolve(PredictionMerger.partFile(0)), List.of(
                PredictionMerger.scored(0, "a", "ham", ordered(0.75f, 0.25f)).toString(),
                PredictionMerger.failed(2, null, "MALFORMED_LINE: not JSON").toString()));
        Files.write(runDir.resolve(PredictionMerger.partFile(1)), List.of(
                PredictionMerger.scored(1, "b", "spam", ordered(0.125f, 0.875f)).toString()));
        Files.writeString(runDir.resolve(PredictionMerger.readCountFile(0)), "{\"records\":3}");
        Path out = dir.resolve("outbox").resolve("p.jsonl");
        PredictionMerger.Result r = PredictionMerger.merge(runDir, 2, out, "spam", 4);
        assertEquals(3, r.read());
        assertEquals(2, r.scored());
        assertEquals(1, r.rejected());
        List<String> lines = Files.readAllLines(out);
        assertEquals(List.of("{\"id\":\"a\",\"label\":\"ham\",\"probabilities\":{\"ham\":0.75,\"spam\":0.25},"
                + "\"model\":\"spam\",\"modelVersion\":4}", "{\"id\":\"b\",\"label\":\"spam\",\"probabilities\":"
                + "{\"ham\":0.125,\"spam\":0.875},\"model\":\"spam\",\"modelVersion\":4}"), lines);
        assertEquals(List.of("{\"record\":2,\"reason\":\"MALFORMED_LINE: not JSON\"}"),
                Files.readAllLines(r.rejectedFile()));
        assertEquals(JsonlFiles.sha256(out), r.sha256());

        Files.writeString(runDir.resolve(PredictionMerger.readCountFile(0)), "{\"records\":4}");
        Path second = dir.resolve("outbox").resolve("q.jsonl");
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> PredictionMerger.merge(runDir, 2, second, "spam", 4));
        assertTrue(missing.getMessage().contains("4 records"), missing.getMessage());
        assertTrue(Files.notExists(second), "all or nothing");
    }

    @Test
    void retentionPlansInstancesWhoseEveryExecutionEndedBeforeTheCutoffAndTheirCheckpoints() throws Exception {
        DataStore store = new DataStore(dir, List.of(dir.resolve("inbox")));
        for (long instance : List.of(1L, 2L, 3L, 9L)) {
            Path f = store.runDir(instance).resolve("train").resolve("state-1.safetensors");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "x");
            Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(
                    java.time.Instant.parse("2026-01-01T00:00:00Z")));
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:h2:mem:retention")) {
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("CREATE TABLE JOB_INSTANCE (JOBINSTANCEID BIGINT PRIMARY KEY, JOBNAME VARCHAR(100))");
                st.execute("CREATE TABLE JOB_EXECUTION (JOBEXECUTIONID BIGINT PRIMARY KEY, JOBINSTANCEID BIGINT,"
                        + " ENDTIME TIMESTAMP)");
                st.execute("INSERT INTO JOB_INSTANCE VALUES (1, 'fine-tune'), (2, 'score'), (3, 'fine-tune'),"
                        + " (4, 'retention')");
                // 1: ended long ago (two executions); 2: ended yesterday; 3: one execution still running.
                st.execute("INSERT INTO JOB_EXECUTION VALUES (10, 1, TIMESTAMP '2026-01-01 00:00:00'),"
                        + " (11, 1, TIMESTAMP '2026-01-02 00:00:00'), (20, 2, TIMESTAMP '2026-11-30 00:00:00'),"
                        + " (30, 3, TIMESTAMP '2026-01-01 00:00:00'), (31, 3, NULL), (40, 4, NULL)");
            }
            RetentionPlan plan = RetentionPlan.plan(c, store, 4, 90, "job-records,checkpoints", false,
                    java.time.Instant.parse("2026-12-01T00:00:00Z"));
            assertEquals(List.of(1L), plan.instanceIds());
            assertEquals(List.of(10L, 11L), plan.executions());
            assertEquals(List.of("runs/1/train/state-1.safetensors", "runs/9/train/state-1.safetensors"),
                    plan.checkpoints().stream().map(RetentionPlan.CheckpointFile::path).toList(),
                    "the ended instance's, and those of a run directory whose instance is gone");
            RetentionPlan onlyFiles = RetentionPlan.plan(c, store, 4, 90, "checkpoints", true,
                    java.time.Instant.parse("2026-12-01T00:00:00Z"));
            assertEquals(List.of(), onlyFiles.instanceIds());
            assertEquals(2, onlyFiles.checkpoints().size());
            plan.deleteJobRecords(c);
            try (java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM JOB_INSTANCE")) {
                rs.next();
                assertEquals(3, rs.getInt(1));
            }
        }
    }

    @Test
    void aRetentionPlanReadsBackAndDeletesOnlyItsFiles() throws Exception {
        DataStore store = new DataStore(dir, List.of(dir.resolve("inbox")));
        Path state = store.runDir(3).resolve("train").resolve("state-20.safetensors");
        Files.createDirectories(state.getParent());
        Files.writeString(state, "x");
        Path kept = store.runDir(3).resolve("evaluation.json");
        Files.writeString(kept, "{}");
        RetentionPlan plan = new RetentionPlan(90, java.time.Instant.parse("2026-09-01T00:00:00Z"),
                "job-records,checkpoints", false, List.of(new RetentionPlan.Instance(3, "fine-tune",
                        java.time.Instant.parse("2026-08-01T00:00:00Z"), List.of(4L, 5L))),
                List.of(new RetentionPlan.CheckpointFile("runs/3/train/state-20.safetensors", 1, 3)));
        JsonObject json = plan.toJson();
        assertEquals(plan, RetentionPlan.fromJson(json));
        assertEquals(List.of(4L, 5L), plan.executions());
        plan.deleteCheckpoints(store);
        assertTrue(Files.notExists(state));
        assertTrue(Files.exists(kept));
    }
}
