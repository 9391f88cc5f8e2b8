package io.tuneledger.ml;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A lexical baseline for retrieval: Okapi BM25 (k1 = 1.2, b = 0.75, idf = ln(1 + (N - n + 0.5) / (n + 0.5))) over the
 * documents given. Terms are the NFKC-normalised, lower-cased runs of letters and digits; Chinese, Japanese and Korean
 * characters, written without spaces, count one term each and one for each pair of neighbours, so that Chinese text
 * is matched on characters and two-character words.
 */
public final class Bm25 {

    private static final double K1 = 1.2;
    private static final double B = 0.75;

    private final List<Map<String, Integer>> termCounts = new ArrayList<>();
    private final int[] lengths;
    private final Map<String, Double> idf = new HashMap<>();
    private final double averageLength;

    public Bm25(List<String> documents) {
        lengths = new int[documents.size()];
        Map<String, Integer> documentFrequency = new HashMap<>();
        long total = 0;
        for (int d = 0; d < documents.size(); d++) {
            List<String> terms = terms(documents.get(d));
            Map<String, Integer> counts = new HashMap<>();
            terms.forEach(t -> counts.merge(t, 1, Integer::sum));
            counts.keySet().forEach(t -> documentFrequency.merge(t, 1, Integer::sum));
            termCounts.add(counts);
            lengths[d] = terms.size();
            total += terms.size();
        }
        int n = documents.size();
        documentFrequency.forEach((t, df) -> idf.put(t, Math.log(1 + (n - df + 0.5) / (df + 0.5))));
        averageLength = n == 0 ? 0 : total / (double) n;
    }

    /** The indices of the {@code k} best documents for {@code query}, best first (ties: the lower index first). */
    public int[] top(String query, int k) {
        Map<String, Integer> queryTerms = new HashMap<>();
        terms(query).forEach(t -> queryTerms.merge(t, 1, Integer::sum));
        PriorityQueue<double[]> best = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0])
                : Double.compare(b[1], a[1]));
        for (int d = 0; d < lengths.length; d++) {
            double score = score(queryTerms, d);
            best.add(new double[] {score, d});
            if (best.size() > k) {
                best.poll();
            }
        }
        int[] out = new int[best.size()];
        for (int i = out.length - 1; i >= 0; i--) {
            out[i] = (int) best.poll()[1];
        }
        return out;
    }

    /** The BM25 score of document {@code d} for a query's terms (with their counts, each occurrence counting). */
    double score(Map<String, Integer> queryTerms, int d) {
        Map<String, Integer> counts = termCounts.get(d);
        double norm = K1 * (1 - B + B * (averageLength == 0 ? 0 : lengths[d] / averageLength));
        double score = 0;
        for (Map.Entry<String, Integer> q : queryTerms.entrySet()) {
            Integer tf = counts.get(q.getKey());
            if (tf != null) {
                score += q.getValue() * idf.get(q.getKey()) * tf * (K1 + 1) / (tf + norm);
            }
        }
        return score;
    }

    /** The terms of a text, in order (see the class comment). */
    public static List<String> terms(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(java.util.Locale.ROOT);
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int previousIdeograph = -1;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (ideographic(c)) {
                flush(word, out);
                out.add(new String(Character.toChars(c)));
                if (previousIdeograph >= 0) {
                    out.add(new String(Character.toChars(previousIdeograph)) + new String(Character.toChars(c)));
                }
                previousIdeograph = c;
            } else {
                previousIdeograph = -1;
                if (Character.isLetterOrDigit(c)) {
                    word.appendCodePoint(c);
                } else {
                    flush(word, out);
                }
            }
        }
        flush(word, out);
        return out;
    }

    private static void flush(StringBuilder word, List<String> out) {
        if (!word.isEmpty()) {
            out.add(word.toString());
            word.setLength(0);
        }
    }

    private static boolean ideographic(int c) {
        Character.UnicodeScript script = Character.UnicodeScript.of(c);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL;
    }
}
