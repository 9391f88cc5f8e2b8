package io.tuneledger.ml;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The vectors of a corpus for retrieval, kept so that the same corpus is not embedded twice for the same model
 * version: document ids in corpus order, each with a unit-length vector, searched by dot product (cosine similarity).
 *
 * <p>File format (big-endian, as {@link DataOutputStream} writes): the 8 bytes {@code TLEMBED1}, the dimension and the
 * count as ints, then per document its id (an int byte length, then UTF-8) and its vector (dimension floats). The
 * same ids and vectors give the same bytes, so the file's SHA-256 identifies the index. Writes are atomic: a
 * temporary file in the same directory, forced to disk, then renamed over the target.
 */
public final class EmbeddingIndex {

    private static final byte[] MAGIC = "TLEMBED1".getBytes(StandardCharsets.US_ASCII);

    /** One search result: a document's id and its similarity to the query. */
    public record Hit(String id, float score) {
    }

    private final List<String> ids;
    private final float[][] vectors;
    private final int dimension;

    public EmbeddingIndex(List<String> ids, float[][] vectors) {
        if (ids.size() != vectors.length) {
            throw new IllegalArgumentException(ids.size() + " ids for " + vectors.length + " vectors");
        }
        this.dimension = vectors.length == 0 ? 0 : vectors[0].length;
        for (float[] v : vectors) {
            if (v.length != dimension) {
                throw new IllegalArgumentException("Vectors of dimension " + v.length + " and " + dimension);
            }
        }
        this.ids = List.copyOf(ids);
        this.vectors = vectors;
    }

    public int size() {
        return ids.size();
    }

    public int dimension() {
        return dimension;
    }

    public List<String> ids() {
        return ids;
    }

    /** The {@code k} documents most similar to {@code query}, best first; ties: the earlier document first. */
    public List<Hit> search(float[] query, int k) {
        if (query.length != dimension && !ids.isEmpty()) {
            throw new IllegalArgumentException("A query of dimension " + query.length + " for an index of "
                    + dimension);
        }
        PriorityQueue<float[]> best = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Float.compare(a[0], b[0])
                : Float.compare(b[1], a[1]));
        for (int d = 0; d < vectors.length; d++) {
            float[] v = vectors[d];
            float s = 0;
            for (int i = 0; i < dimension; i++) {
                s += query[i] * v[i];
            }
            if (best.size() < k) {
                best.add(new float[] {s, d});
            } else if (k > 0 && (s > best.peek()[0])) {
                best.poll();
                best.add(new float[] {s, d});
            }
        }
        List<Hit> out = new ArrayList<>(best.size());
        while (!best.isEmpty()) {
            float[] e = best.poll();
            out.add(0, new Hit(ids.get((int) e[1]), e[0]));
        }
        return out;
    }

    /** Writes the index to {@code file} (atomically). */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, channel -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    Channels.newOutputStream(channel), 1 << 16));
            out.write(MAGIC);
            out.writeInt(dimension);
            out.writeInt(ids.size());
            for (int d = 0; d < ids.size(); d++) {
                byte[] id = ids.get(d).getBytes(StandardCharsets.UTF_8);
                out.writeInt(id.length);
                out.write(id);
                for (float f : vectors[d]) {
                    out.writeFloat(f);
                }
            }
            out.flush();
        });
    }

    /** Reads an index file; a file that is not one, or is cut short, is refused with the reason. */
    public static EmbeddingIndex read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + " is not an embedding index (it does not start with TLEMBED1)");
            }
            int dimension = in.readInt();
            int count = in.readInt();
            if (dimension < 0 || count < 0) {
                throw new IOException(file + " is damaged: dimension " + dimension + ", count " + count);
            }
            List<String> ids = new ArrayList<>(count);
            float[][] vectors = new float[count][dimension];
            for (int d = 0; d < count; d++) {
                int length = in.readInt();
                if (length < 0 || length > 1 << 20) {
                    throw new IOException(file + " is damaged: an id of " + length + " bytes at document " + d);
                }
                byte[] id = new byte[length];
                in.readFully(id);
                ids.add(new String(id, StandardCharsets.UTF_8));
                for (int i = 0; i < dimension; i++) {
                    vectors[d][i] = in.readFloat();
                }
            }
            if (in.read() != -1) {
                throw new IOException(file + " is damaged: bytes after its " + count + " documents");
            }
            return new EmbeddingIndex(ids, vectors);
        } catch (EOFException e) {
            throw new IOException(file + " is cut short: it ends before its last document", e);
        }
    }
}
