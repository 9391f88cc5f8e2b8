package io.tuneledger.data;

import io.tuneledger.ml.EmbeddingIndex;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The part files of the search job's corpus embedding: one line per corpus record in a partition, in record order,
 * {@code {"n","id","v"}} with the vector as base64 of little-endian float32 (exact, so an index rebuilt from the parts
 * has the same bytes), or {@code {"n","id"?,"error"}} for a record that cannot be searched. Merged in record order
 * into an {@link EmbeddingIndex}.
 */
public final class EmbeddingParts {

    private EmbeddingParts() {
    }

    /** The part file of partition {@code index}. */
    public static String partFile(int index) {
        return "embed-part-" + index + ".jsonl";
    }

    /** The prefix of the corpus reader's files in the run directory ({@code files.prefix} of its step). */
    public static final String PREFIX = "embed-";

    /** The file in which partition 0 notes the number of corpus records. */
    public static final String READ_COUNT = PREFIX + PredictionMerger.readCountFile(0);

    /** A part-file line for an embedded record. */
    public static JsonObject embedded(long number, String id, float[] vector) {
        ByteBuffer b = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : vector) {
            b.putFloat(f);
        }
        return Json.createObjectBuilder().add("n", number).add("id", id)
                .add("v", Base64.getEncoder().encodeToString(b.array())).build();
    }

    static float[] vector(JsonObject line) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(line.getString("v"))).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / Float.BYTES];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat();
        }
        return v;
    }

    /** What the merge built: the index, the corpus records read, and those rejected (written to the rejected file). */
    public record Result(EmbeddingIndex index, long read, long rejected) {
    }

    /**
     * Merges the parts of {@code partitions} partitions in {@code dir} into an index, in corpus order; records that
     * could not be embedded go to {@code rejectedFile} with their reason (written only when there are some). A document
     * id that occurs twice fails the merge, naming it: search results name documents by id.
     */
    public static Result merge(Path dir, int partitions, Path rejectedFile) throws IOException {
        long total = JsonFiles.read(dir.resolve(READ_COUNT)).getJsonNumber("records").longValue();
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        Files.createDirectories(rejectedFile.toAbsolutePath().getParent());
        try (JsonlFiles.AtomicWriter rejects = new JsonlFiles.AtomicWriter(rejectedFile)) {
            PredictionMerger.inOrder(dir, EmbeddingParts::partFile, partitions, total, line -> {
                if (!PredictionMerger.rejected(line, rejects)) {
                    String id = line.getString("id");
                    if (!seen.add(id)) {
                        throw new IllegalStateException("The corpus holds the document id '" + id + "' twice (record "
                                + line.getJsonNumber("n") + "); search results name documents by id, so each must"
                                + " be unique");
                    }
                    ids.add(id);
                    vectors.add(vector(line));
                }
            });
            long rejected = rejects.lines();
            if (rejected > 0) {
                rejects.commit();
            } else {
                Files.deleteIfExists(rejectedFile);
            }
            return new Result(new EmbeddingIndex(ids, vectors.toArray(new float[0][])), total, rejected);
        }
    }
}
