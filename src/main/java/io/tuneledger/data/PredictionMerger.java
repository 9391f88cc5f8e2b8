package io.tuneledger.data;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The score job's files: each partition appends one line per record to its part file ({@code part-<i>.jsonl}:
 * record number, id, label and probabilities, or the reason it could not be scored) and, at the end of its input,
 * notes how many records the input has ({@code read-<i>.json}); the merge joins the part files by record number into
 * the output, all or nothing, and refuses to finish unless every input record appears exactly once.
 */
public final class PredictionMerger {

    private PredictionMerger() {
    }

    /** What the merge wrote: the output, its SHA-256, and the counts (read = scored + rejected). */
    public record Result(Path output, Path rejectedFile, String sha256, long read, long scored, long rejected) {
    }

    /** The part file of partition {@code index}. */
    public static String partFile(int index) {
        return "part-" + index + ".jsonl";
    }

    /** The file in which partition {@code index} notes the number of records in the input. */
    public static String readCountFile(int index) {
        return "read-" + index + ".json";
    }

    /** A part-file line for a scored record. */
    public static JsonObject scored(long number, String id, String label, Map<String, Float> probabilities) {
        JsonObjectBuilder probs = Json.createObjectBuilder();
        probabilities.forEach((l, p) -> probs.add(l, p.doubleValue()));
        return start(number, id).add("label", label).add("probabilities", probs).build();
    }

    /** A part-file line for a record that could not be scored, with the reason. */
    public static JsonObject failed(long number, String id, String reason) {
        return start(number, id).add("error", reason).build();
    }

    private static JsonObjectBuilder start(long number, String id) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("n", number);
        return id == null ? b : b.add("id", id);
    }

    /**
     * Merges the part files of {@code partitions} partitions in {@code dir} into {@code output}, one line per scored
     * input record in input order with the model's name and version; records that could not be scored go to
     * {@code <output>.rejected.jsonl} with their reason (written only when there are some). Both are written all or
     * nothing; a record missing or present twice fails the merge and leaves no output.
     */
    public static Result merge(Path dir, int partitions, Path output, String modelName, int modelVersion)
            throws IOException {
        long total = JsonFiles.read(dir.resolve(readCountFile(0))).getJsonNumber("records").longValue();
        Files.createDirectories(output.toAbsolutePath().getParent());
        Path rejectedFile = output.resolveSibling(output.getFileName() + ".rejected.jsonl");
        try (JsonlFiles.AtomicWriter predictions = new JsonlFiles.AtomicWriter(output);
                JsonlFiles.AtomicWriter rejects = new JsonlFiles.AtomicWriter(rejectedFile)) {
            inOrder(dir, PredictionMerger::partFile, partitions, total, line -> {
                if (!rejected(line, rejects)) {
                    predictions.write(Json.createObjectBuilder().add("id", line.getString("id"))
                            .add("label", line.getString("label"))
                            .add("probabilities", line.getJsonObject("probabilities"))
                            .add("model", modelName).add("modelVersion", modelVersion).build());
                }
            });
            long scored = predictions.lines();
            long rejected = rejects.lines();
            String sha = predictions.commit();
            if (rejected > 0) {
                rejects.commit();
            }
            return new Result(output, rejectedFile, sha, total, scored, rejected);
        }
    }

    /**
     * Writes a part-file line that holds an {@code error} to {@code rejects} as {@code {"record","id"?,"reason"}};
     * false for a line without one.
     */
    public static boolean rejected(JsonObject line, JsonlFiles.AtomicWriter rejects) {
        if (!line.containsKey("error")) {
            return false;
        }
        JsonObjectBuilder b = Json.createObjectBuilder().add("record", line.getJsonNumber("n").longValue());
        if (line.containsKey("id")) {
            b.add("id", line.getString("id"));
        }
        rejects.write(b.add("reason", line.getString("error")).build());
        return true;
    }

    /**
     * Hands every line of the part files of {@code partitions} partitions (each in ascending record number
     * {@code "n"}) to {@code each} in record order; a record missing or present twice, or a count other than
     * {@code total}, fails with the reason.
     */
    public static void inOrder(Path dir, IntFunction<String> partFile, int partitions, long total,
            Consumer<JsonObject> each) throws IOException {
        record Head(long number, JsonObject line, int part) {
        }
        List<BufferedReader> readers = new ArrayList<>();
        PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> Long.compare(a.number(), b.number()));
        long expected = 0;
        try {
            for (int i = 0; i < partitions; i++) {
                readers.add(Files.newBufferedReader(dir.resolve(partFile.apply(i)), StandardCharsets.UTF_8));
                JsonObject first = next(readers.get(i));
                if (first != null) {
                    heads.add(new Head(first.getJsonNumber("n").longValue(), first, i));
                }
            }
            while (!heads.isEmpty()) {
                Head h = heads.poll();
                if (h.number() != expected) {
                    throw new IllegalStateException("Record " + expected + " of the input is " + (h.number() < expected
                            ? "written twice" : "missing") + " in the part files; the run directory " + dir
                            + " is inconsistent");
                }
                expected++;
                each.accept(h.line());
                JsonObject next = next(readers.get(h.part()));
                if (next != null) {
                    heads.add(new Head(next.getJsonNumber("n").longValue(), next, h.part()));
                }
            }
            if (expected != total) {
                throw new IllegalStateException("The input has " + total + " records but the part files hold "
                        + expected);
            }
        } finally {
            for (BufferedReader r : readers) {
                r.close();
            }
        }
    }

    private static JsonObject next(BufferedReader reader) throws IOException {
        String line = reader.readLine();
        if (line == null) {
            return null;
        }
        try (JsonReader r = Json.createReader(new StringReader(line))) {
            return r.readObject();
        }
    }
}
