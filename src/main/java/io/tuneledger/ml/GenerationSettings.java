package io.tuneledger.ml;

import java.util.Set;

/**
 * How a decoder continues a prompt: greedy (temperature 0) or sampled from the temperature-scaled distribution cut to
 * its top-p nucleus, with a seed, so the same settings give the same text; at most {@code maxNewTokens} tokens, ending
 * early at any of {@code stopTokens} (which is not part of the answer).
 */
public record GenerationSettings(int maxNewTokens, double temperature, double topP, long seed,
        Set<Integer> stopTokens) {

    public GenerationSettings {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, not " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be 0 (greedy) or more, not " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], not " + topP);
        }
        stopTokens = Set.copyOf(stopTokens);
    }

    /** Greedy decoding: always the most likely token. */
    public static GenerationSettings greedy(int maxNewTokens, Set<Integer> stopTokens) {
        return new GenerationSettings(maxNewTokens, 0, 1, 0, stopTokens);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
