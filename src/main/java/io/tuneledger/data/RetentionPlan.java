package io.tuneledger.data;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a retention run removes, decided once and written to its run directory before anything goes (a restart reuses
 * it): the job instances whose every execution ended before the cutoff, with their executions (JBeret's
 * {@code JOB_INSTANCE} and {@code JOB_EXECUTION} tables), and the training checkpoint files ({@code *.safetensors})
 * in the run directories of those instances and of run directories whose instance is already gone. Never datasets,
 * registered models or the audit ledger.
 */
public record RetentionPlan(int olderThanDays, Instant cutoff, String purge, boolean dryRun,
        List<Instance> jobInstances, List<CheckpointFile> checkpoints) {

    /** A job instance to purge, with its executions. */
    public record Instance(long id, String job, Instant lastEnded, List<Long> executions) {
    }

    /** A checkpoint file, relative to the data store's home. */
    public record CheckpointFile(String path, long bytes, long jobInstance) {
    }

    /**
     * Plans a purge of what ended {@code days} days before {@code now}: {@code purge} names {@code job-records},
     * {@code checkpoints} or both. The running retention instance ({@code self}) is never in the plan.
     */
    public static RetentionPlan plan(Connection c, DataStore store, long self, int days, String purge, boolean dryRun,
            Instant now) throws SQLException, IOException {
        Instant cutoff = now.minus(Duration.ofDays(days));
        boolean records = purge.contains("job-records");
        boolean checkpoints = purge.contains("checkpoints");
        List<Instance> instances = new ArrayList<>();
        Set<Long> ended = new HashSet<>();
        Set<Long> known = new HashSet<>();
        try (PreparedStatement all = c.prepareStatement("SELECT JOBINSTANCEID FROM JOB_INSTANCE");
                ResultSet rs = all.executeQuery()) {
            while (rs.next()) {
                known.add(rs.getLong(1));
            }
        }
        try (PreparedStatement q = c.prepareStatement("SELECT i.JOBINSTANCEID, i.JOBNAME, MAX(e.ENDTIME)"
                + " FROM JOB_INSTANCE i JOIN JOB_EXECUTION e ON e.JOBINSTANCEID = i.JOBINSTANCEID"
                + " WHERE i.JOBINSTANCEID <> ? GROUP BY i.JOBINSTANCEID, i.JOBNAME"
                + " HAVING SUM(CASE WHEN e.ENDTIME IS NULL THEN 1 ELSE 0 END) = 0 AND MAX(e.ENDTIME) < ?"
                + " ORDER BY i.JOBINSTANCEID")) {
            q.setLong(1, self);
            q.setTimestamp(2, Timestamp.from(cutoff));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    long instance = rs.getLong(1);
                    ended.add(instance);
                    if (records) {
                        instances.add(new Instance(instance, rs.getString(2), rs.getTimestamp(3).toInstant(),
                                executionsOf(c, instance)));
                    }
                }
            }
        }
        List<CheckpointFile> files = new ArrayList<>();
        Path runs = store.runDir(0).getParent();
        if (checkpoints && Files.isDirectory(runs)) {
            try (Stream<Path> dirs = Files.list(runs)) {
                for (Path run : dirs.sorted().toList()) {
                    Long instance = parseId(run.getFileName().toString());
                    boolean gone = instance != null && !known.contains(instance);
                    if (instance == null || instance == self || !(ended.contains(instance) || gone)) {
                        continue;
                    }
                    try (Stream<Path> walk = Files.walk(run)) {
                        for (Path f : walk.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted()
                                .toList()) {
                            if (gone && Files.getLastModifiedTime(f).toInstant().isAfter(cutoff)) {
                                continue;
                            }
                            files.add(new CheckpointFile(store.home().relativize(f).toString(), Files.size(f),
                                    instance));
                        }
                    }
                }
            }
        }
        return new RetentionPlan(days, cutoff, purge.strip(), dryRun, instances, files);
    }

    /** Every execution of the planned instances. */
    public List<Long> executions() {
        List<Long> all = new ArrayList<>();
        jobInstances.forEach(i -> all.addAll(i.executions()));
        return all;
    }

    public List<Long> instanceIds() {
        return jobInstances.stream().map(Instance::id).toList();
    }

    public long checkpointBytes() {
        return checkpoints.stream().mapToLong(CheckpointFile::bytes).sum();
    }

    /** Deletes the planned job instances' rows, 100 a statement; JBeret's foreign keys cascade to their executions. */
    public void deleteJobRecords(Connection c) throws SQLException {
        List<Long> ids = instanceIds();
        for (int from = 0; from < ids.size(); from += 100) {
            List<Long> batch = ids.subList(from, Math.min(ids.size(), from + 100));
            String marks = String.join(",", Collections.nCopies(batch.size(), "?"));
            try (PreparedStatement d = c.prepareStatement(
                    "DELETE FROM JOB_INSTANCE WHERE JOBINSTANCEID IN (" + marks + ")")) {
                for (int i = 0; i < batch.size(); i++) {
                    d.setLong(i + 1, batch.get(i));
                }
                d.executeUpdate();
            }
        }
    }

    /** Deletes the planned checkpoint files that are still there. */
    public void deleteCheckpoints(DataStore store) throws IOException {
        for (CheckpointFile f : checkpoints) {
            Files.deleteIfExists(store.home().resolve(f.path()));
        }
    }

    public JsonObject toJson() {
        JsonArrayBuilder instances = Json.createArrayBuilder();
        for (Instance i : jobInstances) {
            instances.add(Json.createObjectBuilder().add("id", i.id()).add("job", i.job())
                    .add("lastEnded", i.lastEnded().toString())
                    .add("executions", Json.createArrayBuilder(i.executions())));
        }
        JsonArrayBuilder files = Json.createArrayBuilder();
        for (CheckpointFile f : checkpoints) {
            files.add(Json.createObjectBuilder().add("path", f.path()).add("bytes", f.bytes())
                    .add("jobInstance", f.jobInstance()));
        }
        return Json.createObjectBuilder()
                .add("olderThanDays", olderThanDays).add("cutoff", cutoff.toString()).add("purge", purge)
                .add("dryRun", dryRun)
                .add("jobInstances", instances).add("checkpoints", files)
                .add("kept", "datasets, registered models and the audit ledger are never removed")
                .build();
    }

    public static RetentionPlan fromJson(JsonObject o) {
        List<Instance> instances = o.getJsonArray("jobInstances").stream().map(JsonValue::asJsonObject)
                .map(i -> new Instance(i.getJsonNumber("id").longValue(), i.getString("job"),
                        Instant.parse(i.getString("lastEnded")), i.getJsonArray("executions").stream()
                                .map(e -> ((JsonNumber) e).longValue()).toList()))
                .toList();
        List<CheckpointFile> files = o.getJsonArray("checkpoints").stream().map(JsonValue::asJsonObject)
                .map(f -> new CheckpointFile(f.getString("path"), f.getJsonNumber("bytes").longValue(),
                        f.getJsonNumber("jobInstance").longValue()))
                .toList();
        return new RetentionPlan(o.getInt("olderThanDays"), Instant.parse(o.getString("cutoff")),
                o.getString("purge"), o.getBoolean("dryRun"), instances, files);
    }

    private static List<Long> executionsOf(Connection c, long instance) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(
                "SELECT JOBEXECUTIONID FROM JOB_EXECUTION WHERE JOBINSTANCEID = ? ORDER BY JOBEXECUTIONID")) {
            q.setLong(1, instance);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    private static Long parseId(String name) {
        try {
            return Long.parseLong(name);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
