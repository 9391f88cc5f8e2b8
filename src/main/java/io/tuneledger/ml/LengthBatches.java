package io.tuneledger.ml;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Batches of pre-tokenized texts for inference. With length bucketing the texts of a window (what one call gets:
 * a score chunk, an evaluation split) are sorted by token length (stable: equal lengths keep their order), so that
 * a batch holds texts of similar length and little padding; without it batches follow the input order. Each batch
 * says which input positions it holds, so results go back in input order either way, and the batches depend only on
 * the window's content, so a restart forms the same batches.
 */
public final class LengthBatches {

    /** One batch: the input positions of its texts and their token ids, in the same order. */
    public interface Batch {
        void accept(List<Integer> positions, List<long[]> sequences);
    }

    private LengthBatches() {
    }

    /** Bucketed batches (see the class comment). */
    public static void forEach(List<long[]> tokenIds, int batchSize, Batch batch) {
        forEach(tokenIds, batchSize, true, batch);
    }

    public static void forEach(List<long[]> tokenIds, int batchSize, boolean bucketing, Batch batch) {
        int n = tokenIds.size();
        List<Integer> order = bucketing
                ? IntStream.range(0, n).boxed().sorted(Comparator.comparingInt((Integer i) -> tokenIds.get(i).length))
                        .toList()
                : IntStream.range(0, n).boxed().toList();
        for (int start = 0; start < n; start += batchSize) {
            List<Integer> positions = order.subList(start, Math.min(n, start + batchSize));
            List<long[]> sequences = new ArrayList<>(positions.size());
            for (int i : positions) {
                sequences.add(tokenIds.get(i));
            }
            batch.accept(positions, sequences);
        }
    }
}
