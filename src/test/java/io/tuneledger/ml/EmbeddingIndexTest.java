package io.tuneledger.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingIndexTest {

    @TempDir
    Path dir;

    /** {@code n} random unit vectors, the same for the same seed. */
    private static float[][] vectors(int n, int dimension, long seed) {
        Random random = new Random(seed);
        float[][] vectors = new float[n][dimension];
        for (int d = 0; d < n; d++) {
            double norm = 0;
            for (int i = 0; i < dimension; i++) {
                vectors[d][i] = (float) random.nextGaussian();
                norm += vectors[d][i] * vectors[d][i];
            }
            for (int i = 0; i < dimension; i++) {
                vectors[d][i] /= (float) Math.sqrt(norm);
            }
        }
        return vectors;
    }

    private static EmbeddingIndex random(int n, int dimension, long seed) {
        List<String> ids = new ArrayList<>();
        for (int d = 0; d < n; d++) {
            ids.add("doc-" + d + (d % 7 == 0 ? "-文档" : ""));
        }
        return new EmbeddingIndex(ids, vectors(n, dimension, seed));
    }

    @Test
    void theTopHitsAreTheHighestDotProductsBestFirst() {
        EmbeddingIndex index = random(500, 16, 1);
        float[][] vectors = vectors(500, 16, 1);
        float[] query = vectors(1, 16, 2)[0];
        List<EmbeddingIndex.Hit> hits = index.search(query, 5);
        assertEquals(5, hits.size());
        List<EmbeddingIndex.Hit> expected = IntStream.range(0, 500).boxed()
                .map(d -> {
                    float s = 0;
                    for (int i = 0; i < 16; i++) {
                        s += query[i] * vectors[d][i];
                    }
                    return new EmbeddingIndex.Hit(index.ids().get(d), s);
                })
                .sorted(Comparator.comparingDouble((EmbeddingIndex.Hit h) -> h.score()).reversed()).limit(5).toList();
        assertEquals(expected, hits);
        assertTrue(hits.get(0).score() >= hits.get(4).score());
        assertEquals(500, index.search(query, 1000).size(), "k larger than the corpus: every document");
    }

    @Test
    void tiesKeepCorpusOrder() {
        EmbeddingIndex index = new EmbeddingIndex(List.of("a", "b", "c"), new float[][] {{1, 0}, {0, 1}, {1, 0}});
        assertEquals(List.of("a", "c"), index.search(new float[] {1, 0}, 2).stream().map(EmbeddingIndex.Hit::id)
                .toList());
    }

    @Test
    void writtenAndReadBackByteForByteAndDamageIsNamed() throws IOException {
        EmbeddingIndex index = random(50, 8, 3);
        Path a = dir.resolve("a.idx");
        Path b = dir.resolve("b.idx");
        index.write(a);
        EmbeddingIndex.read(a).write(b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "the same index gives the same bytes");
        EmbeddingIndex read = EmbeddingIndex.read(a);
        assertEquals(index.ids(), read.ids());
        assertEquals(index.search(new float[8], 3), read.search(new float[8], 3));

        byte[] bytes = Files.readAllBytes(a);
        Path cut = dir.resolve("cut.idx");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        IOException e = assertThrows(IOException.class, () -> EmbeddingIndex.read(cut));
        assertTrue(e.getMessage().contains("cut short"), e.getMessage());
        Path other = dir.resolve("other.idx");
        Files.writeString(other, "not an index at all");
        e = assertThrows(IOException.class, () -> EmbeddingIndex.read(other));
        assertTrue(e.getMessage().contains("not an embedding index"), e.getMessage());
    }
}
