package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How well a ranking finds the answer documents of a set of queries, each query ranked against the same documents:
 * recall at 1, 5 and 10 (the share of a query's relevant documents in its first k, averaged over the queries), MRR@10
 * (the mean of 1 / rank of the first relevant document, 0 when none is in the first 10) and nDCG@10 (binary
 * relevance, log2 discount). MRR@10 is the primary figure: what early stopping follows and the gate compares.
 */
public record RetrievalMetrics(int queries, double recallAt1, double recallAt5, double recallAt10, double mrrAt10,
        double ndcgAt10) implements TaskMetrics {

    /** The cut-off of MRR and nDCG, and the longest ranking that matters. */
    public static final int CUTOFF = 10;

    @Override
    public double primary() {
        return mrrAt10;
    }

    @Override
    public Map<String, Double> summary() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("mrr@10", mrrAt10);
        m.put("recall@1", recallAt1);
        m.put("recall@5", recallAt5);
        m.put("recall@10", recallAt10);
        m.put("ndcg@10", ndcgAt10);
        return m;
    }

    /**
     * The figures of {@code rankings} (per query, document ids best first; only the first {@link #CUTOFF} count)
     * against {@code relevant} (per query, the ids of its answer documents; none may be empty).
     */
    public static RetrievalMetrics of(List<List<String>> rankings, List<Set<String>> relevant) {
        if (rankings.size() != relevant.size()) {
            throw new IllegalArgumentException(rankings.size() + " rankings for " + relevant.size() + " queries");
        }
        int n = rankings.size();
        double r1 = 0;
        double r5 = 0;
        double r10 = 0;
        double mrr = 0;
        double ndcg = 0;
        for (int q = 0; q < n; q++) {
            Set<String> answers = relevant.get(q);
            if (answers.isEmpty()) {
                throw new IllegalArgumentException("Query " + q + " has no relevant document");
            }
            List<String> ranking = rankings.get(q);
            int hits1 = 0;
            int hits5 = 0;
            int hits10 = 0;
            double dcg = 0;
            double firstHit = 0;
            for (int i = 0; i < Math.min(CUTOFF, ranking.size()); i++) {
                if (answers.contains(ranking.get(i))) {
                    hits1 += i < 1 ? 1 : 0;
                    hits5 += i < 5 ? 1 : 0;
                    hits10++;
                    dcg += 1 / log2(i + 2);
                    firstHit = firstHit == 0 ? 1.0 / (i + 1) : firstHit;
                }
            }
            double ideal = 0;
            for (int i = 0; i < Math.min(CUTOFF, answers.size()); i++) {
                ideal += 1 / log2(i + 2);
            }
            r1 += hits1 / (double) answers.size();
            r5 += hits5 / (double) answers.size();
            r10 += hits10 / (double) answers.size();
            mrr += firstHit;
            ndcg += dcg / ideal;
        }
        return n == 0 ? new RetrievalMetrics(0, 0, 0, 0, 0, 0)
                : new RetrievalMetrics(n, r1 / n, r5 / n, r10 / n, mrr / n, ndcg / n);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Override
    public JsonObject toJson() {
        return Json.createObjectBuilder().add("queries", queries).add("recallAt1", recallAt1)
                .add("recallAt5", recallAt5).add("recallAt10", recallAt10).add("mrrAt10", mrrAt10)
                .add("ndcgAt10", ndcgAt10).build();
    }

    public static RetrievalMetrics fromJson(JsonObject o) {
        return new RetrievalMetrics(o.getInt("queries"), o.getJsonNumber("recallAt1").doubleValue(),
                o.getJsonNumber("recallAt5").doubleValue(), o.getJsonNumber("recallAt10").doubleValue(),
                o.getJsonNumber("mrrAt10").doubleValue(), o.getJsonNumber("ndcgAt10").doubleValue());
    }
}
