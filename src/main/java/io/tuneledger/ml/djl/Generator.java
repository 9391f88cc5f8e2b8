package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tuneledger.ml.GenerationSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Continues prompts with a {@link DecoderModel}: the prompts of a call go through the model together, left-padded to
 * the longest, once (prefill), then one token per step with the {@link DecoderModel.KvCache key/value cache}. Token
 * choice happens in Java on each sequence's scores: greedy, or temperature and top-p sampling from a random stream of
 * its own per prompt (seeded by the settings' seed and the prompt's place in the call), so a sequence's text does not
 * depend on what else was in its batch.
 */
public final class Generator {

    /** What was generated for one prompt: the new tokens (without the stop token) and whether a stop token ended it. */
    public record Generation(int[] tokens, boolean stopped) {
    }

    private Generator() {
    }

    /** Continues each prompt (token ids, at least one each); answers in the prompts' order. */
    public static List<Generation> generate(DecoderModel model, NDManager parent, List<int[]> prompts,
            GenerationSettings settings) {
        int b = prompts.size();
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        if (prompts.stream().anyMatch(p -> p.length == 0)) {
            throw new IllegalArgumentException("A prompt needs at least one token");
        }
        int limit = model.config().maxPositions();
        if (longest + settings.maxNewTokens() > limit) {
            throw new IllegalArgumentException("A prompt of " + longest + " tokens plus " + settings.maxNewTokens()
                    + " new ones exceeds the model's " + limit + " positions");
        }
        long[] ids = new long[b * longest];
        long[] positions = new long[b * longest];
        float[] mask = new float[b * longest];
        long[] next = new long[b];
        for (int r = 0; r < b; r++) {
            int[] p = prompts.get(r);
            int pad = longest - p.length;
            for (int i = 0; i < p.length; i++) {
                ids[r * longest + pad + i] = p[i];
                positions[r * longest + pad + i] = i;
                mask[r * longest + pad + i] = 1f;
            }
            next[r] = p.length;
        }
        SplittableRandom[] random = new SplittableRandom[b];
        for (int r = 0; r < b; r++) {
            random[r] = new SplittableRandom(settings.seed() * 0x9E3779B97F4A7C15L + r);
        }
        List<List<Integer>> out = new ArrayList<>();
        boolean[] stopped = new boolean[b];
        for (int r = 0; r < b; r++) {
            out.add(new ArrayList<>());
        }
        try (NDManager call = parent.newSubManager();
                DecoderModel.KvCache cache = new DecoderModel.KvCache(call, model)) {
            long[] stepIds = ids;
            long[] stepPositions = positions;
            float[] stepMask = mask;
            int length = longest;
            for (int step = 0; step < settings.maxNewTokens(); step++) {
                float[] scores;
                try (NDManager scope = call.newSubManager()) {
                    NDArray hidden = model.hidden(scope,
                            scope.create(stepIds, new Shape(b, length)),
                            scope.create(stepPositions, new Shape(b, length)),
                            scope.create(stepMask, new Shape(b, length)), cache);
                    scores = model.logits(hidden.get(":, -1, :")).toFloatArray();
                }
                int vocab = scores.length / b;
                boolean all = true;
                long[] chosen = new long[b];
                for (int r = 0; r < b; r++) {
                    if (stopped[r]) {
                        continue;
                    }
                    int token = choose(scores, r * vocab, vocab, settings, random[r]);
                    chosen[r] = token;
                    if (settings.stopTokens().contains(token)) {
                        stopped[r] = true;
                    } else {
                        out.get(r).add(token);
                        all = false;
                    }
                }
                if (all || step + 1 == settings.maxNewTokens()) {
                    break;
                }
                stepIds = chosen;
                stepPositions = next.clone();
                for (int r = 0; r < b; r++) {
                    next[r]++;
                }
                stepMask = new float[b];
                Arrays.fill(stepMask, 1f);
                length = 1;
            }
        }
        List<Generation> result = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            result.add(new Generation(out.get(r).stream().mapToInt(Integer::intValue).toArray(), stopped[r]));
        }
        return result;
    }

    /**
     * The next token from scores {@code logits[from, from + vocab)}: the highest (the lowest id among equals) when
     * greedy; otherwise a draw from softmax(scores / temperature) restricted to the most likely tokens whose
     * probabilities first reach {@code topP} together.
     */
    static int choose(float[] logits, int from, int vocab, GenerationSettings settings, SplittableRandom random) {
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (logits[from + i] > logits[from + best]) {
                best = i;
            }
        }
        if (settings.isGreedy()) {
            return best;
        }
        double max = logits[from + best];
        // Each token's weight (a positive float, whose bits order as the values do) and id in one primitive key, so a
        // vocabulary of 150,000 sorts without boxing: most likely first, equal weights in id order.
        long[] keys = new long[vocab];
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            float weight = (float) Math.exp((logits[from + i] - max) / settings.temperature());
            sum += weight;
            keys[i] = ((long) Float.floatToIntBits(weight) << 32) | (0xFFFFFFFFL - i);
        }
        Arrays.sort(keys);
        int[] order = new int[vocab];
        float[] weights = new float[vocab];
        for (int k = 0; k < vocab; k++) {
            long key = keys[vocab - 1 - k];
            order[k] = (int) (0xFFFFFFFFL - (key & 0xFFFFFFFFL));
            weights[k] = Float.intBitsToFloat((int) (key >>> 32));
        }
        double kept = 0;
        int n = 0;
        while (n < vocab && (n == 0 || kept < settings.topP() * sum)) {
            kept += weights[n];
            n++;
        }
        double target = random.nextDouble() * kept;
        for (int i = 0; i < n; i++) {
            target -= weights[i];
            if (target < 0) {
                return order[i];
            }
        }
        return order[n - 1];
    }
}
