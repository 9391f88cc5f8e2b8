package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How well an encoder predicts the tokens hidden from it in a split's texts (domain adaptation's masked-language-model
 * objective): the share of masked tokens predicted exactly (the primary figure) and the perplexity, e to the mean
 * cross-entropy of the masked tokens. The masks of a split are fixed (seeded by the text's position and the run's
 * seed), so every epoch and the baseline are measured on the same positions.
 */
public record AdaptationMetrics(int texts, long maskedTokens, double maskedAccuracy, double perplexity)
        implements TaskMetrics {

    /** From the count of correct predictions and the summed cross-entropy over {@code maskedTokens} tokens. */
    public static AdaptationMetrics of(int texts, long maskedTokens, long correct, double crossEntropySum) {
        if (maskedTokens == 0) {
            return new AdaptationMetrics(texts, 0, 0, Double.NaN);
        }
        return new AdaptationMetrics(texts, maskedTokens, correct / (double) maskedTokens,
                Math.exp(crossEntropySum / maskedTokens));
    }

    @Override
    public double primary() {
        return maskedAccuracy;
    }

    /** The mean cross-entropy of the masked tokens (the log of the perplexity). */
    public double crossEntropy() {
        return Math.log(perplexity);
    }

    @Override
    public Map<String, Double> summary() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("maskedAccuracy", maskedAccuracy);
        m.put("perplexity", perplexity);
        return m;
    }

    @Override
    public JsonObject toJson() {
        var b = Json.createObjectBuilder().add("texts", texts).add("maskedTokens", maskedTokens)
                .add("maskedAccuracy", maskedAccuracy);
        return (Double.isFinite(perplexity) ? b.add("perplexity", perplexity) : b.addNull("perplexity")).build();
    }

    public static AdaptationMetrics fromJson(JsonObject o) {
        return new AdaptationMetrics(o.getInt("texts"), o.getJsonNumber("maskedTokens").longValue(),
                o.getJsonNumber("maskedAccuracy").doubleValue(),
                o.isNull("perplexity") ? Double.NaN : o.getJsonNumber("perplexity").doubleValue());
    }
}
