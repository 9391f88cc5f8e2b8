package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How well a decoder predicts the responses of instruction examples, each response token given the prompt and the
 * response before it (teacher forcing): the share of response tokens that are the model's most likely next token
 * (primary, so early stopping follows it), and the perplexity of the response tokens. Prompt tokens are not scored.
 */
public record ResponseMetrics(int examples, long responseTokens, double tokenAccuracy, double perplexity)
        implements TaskMetrics {

    /** From the count of correct next-token predictions and the summed cross-entropy over {@code tokens} tokens. */
    public static ResponseMetrics of(int examples, long tokens, long correct, double crossEntropySum) {
        if (tokens == 0) {
            return new ResponseMetrics(examples, 0, 0, Double.NaN);
        }
        return new ResponseMetrics(examples, tokens, correct / (double) tokens, Math.exp(crossEntropySum / tokens));
    }

    @Override
    public double primary() {
        return tokenAccuracy;
    }

    /** The mean cross-entropy of the response tokens (the log of the perplexity). */
    public double crossEntropy() {
        return Math.log(perplexity);
    }

    @Override
    public Map<String, Double> summary() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("responseTokenAccuracy", tokenAccuracy);
        m.put("responsePerplexity", perplexity);
        return m;
    }

    @Override
    public JsonObject toJson() {
        var b = Json.createObjectBuilder().add("examples", examples).add("responseTokens", responseTokens)
                .add("responseTokenAccuracy", tokenAccuracy);
        return (Double.isFinite(perplexity) ? b.add("responsePerplexity", perplexity)
                : b.addNull("responsePerplexity")).build();
    }
}
