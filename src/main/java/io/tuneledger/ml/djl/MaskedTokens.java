package io.tuneledger.ml.djl;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Hides tokens of texts for the masked-language-model objective, as BERT's pre-training did: each token other than
 * the special ones is chosen with probability {@code probability} (at least one per text that has any); a chosen
 * token becomes {@code [MASK]} (80%), a random token of the vocabulary (10%) or stays (10%), and the model must
 * predict the original. Every draw comes from the {@link Random} the caller passes, so the same seed hides the same
 * tokens on any machine.
 */
record MaskedTokens(long[] ids, int[] positions, long[] targets) {

    /** The vocabulary's facts masking needs. */
    record Vocabulary(long maskId, int size, Set<Long> special) {
    }

    /** One text's token ids with tokens hidden; {@code positions} index into {@code ids}. */
    static MaskedTokens mask(long[] ids, Random random, float probability, Vocabulary vocabulary) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            if (!vocabulary.special().contains(ids[i])) {
                candidates.add(i);
            }
        }
        List<Integer> chosen = new ArrayList<>();
        for (int i : candidates) {
            if (random.nextFloat() < probability) {
                chosen.add(i);
            }
        }
        if (chosen.isEmpty() && !candidates.isEmpty()) {
            chosen.add(candidates.get(random.nextInt(candidates.size())));
        }
        long[] masked = ids.clone();
        int[] positions = new int[chosen.size()];
        long[] targets = new long[chosen.size()];
        for (int k = 0; k < chosen.size(); k++) {
            int i = chosen.get(k);
            positions[k] = i;
            targets[k] = ids[i];
            float r = random.nextFloat();
            if (r < 0.8f) {
                masked[i] = vocabulary.maskId();
            } else if (r < 0.9f) {
                masked[i] = random.nextInt(vocabulary.size());
            }
        }
        return new MaskedTokens(masked, positions, targets);
    }
}
