package io.tuneledger.ml.djl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Batches of pre-tokenized texts for inference, sorted by token length so that a batch holds texts of similar length
 * and little padding; each batch says which input positions it holds, so results go back in input order.
 */
final class LengthBatches {

    /** One batch: the input positions of its texts and their token ids, in the same order. */
    interface Batch {
        void accept(List<Integer> positions, List<long[]> sequences);
    }

    private LengthBatches() {
    }

    static void forEach(List<long[]> tokenIds, int batchSize, Batch batch) {
        int n = tokenIds.size();
        List<Integer> order = IntStream.range(0, n).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> tokenIds.get(i).length)).toList();
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
