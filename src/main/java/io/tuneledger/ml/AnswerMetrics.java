package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How close generated answers are to the reference answers, averaged over answers: exact match, token F1 (the overlap
 * of the two bags of tokens, as SQuAD scores answers) and ROUGE-L F1 (the longest common token subsequence). Texts
 * are compared after NFKC normalisation and lower-casing, as tokens: runs of letters and digits, and each Chinese,
 * Japanese or Korean character on its own (those scripts do not separate words by spaces); punctuation and spacing do
 * not count. Token F1 is the primary figure.
 */
public record AnswerMetrics(int answers, double exactMatch, double tokenF1, double rougeL, List<Sample> samples)
        implements TaskMetrics {

    /** One answer as a person reads it in a report: the prompt, the reference answer and the generated one. */
    public record Sample(String prompt, String reference, String answer) {
        JsonObject toJson() {
            return Json.createObjectBuilder().add("prompt", prompt).add("reference", reference).add("answer", answer)
                    .build();
        }
    }

    public AnswerMetrics {
        samples = List.copyOf(samples);
    }

    /** Scores each prediction against the reference at the same place. */
    public static AnswerMetrics of(List<String> predictions, List<String> references) {
        return of(predictions, references, List.of());
    }

    /** Scores each prediction against the reference at the same place, keeping {@code samples} to show. */
    public static AnswerMetrics of(List<String> predictions, List<String> references, List<Sample> samples) {
        if (predictions.size() != references.size()) {
            throw new IllegalArgumentException(predictions.size() + " predictions for " + references.size()
                    + " references");
        }
        double exact = 0;
        double f1 = 0;
        double rouge = 0;
        for (int i = 0; i < predictions.size(); i++) {
            List<String> p = tokens(predictions.get(i));
            List<String> r = tokens(references.get(i));
            exact += p.equals(r) ? 1 : 0;
            f1 += f1(p.size(), r.size(), overlap(p, r));
            rouge += f1(p.size(), r.size(), longestCommonSubsequence(p, r));
        }
        int n = predictions.size();
        return n == 0 ? new AnswerMetrics(0, 0, 0, 0, samples)
                : new AnswerMetrics(n, exact / n, f1 / n, rouge / n, samples);
    }

    /** The tokens answers are compared by (see the class comment). */
    public static List<String> tokens(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i <= s.length()) {
            int c = i < s.length() ? s.codePointAt(i) : ' ';
            boolean own = i < s.length() && ownToken(c);
            boolean inWord = i < s.length() && !own && Character.isLetterOrDigit(c);
            if (!inWord && start >= 0) {
                out.add(s.substring(start, i));
                start = -1;
            }
            if (own) {
                out.add(new String(Character.toChars(c)));
            } else if (inWord && start < 0) {
                start = i;
            }
            i += i < s.length() ? Character.charCount(c) : 1;
        }
        return out;
    }

    private static boolean ownToken(int c) {
        return switch (Character.UnicodeScript.of(c)) {
            case HAN, HIRAGANA, KATAKANA, HANGUL -> true;
            default -> false;
        };
    }

    /** F1 of a match of {@code common} tokens between a prediction and a reference; both empty count as a match. */
    private static double f1(int predicted, int reference, int common) {
        if (predicted == 0 || reference == 0) {
            return predicted == reference ? 1 : 0;
        }
        if (common == 0) {
            return 0;
        }
        double precision = common / (double) predicted;
        double recall = common / (double) reference;
        return 2 * precision * recall / (precision + recall);
    }

    private static int overlap(List<String> a, List<String> b) {
        Map<String, Integer> counts = new HashMap<>();
        for (String t : b) {
            counts.merge(t, 1, Integer::sum);
        }
        int common = 0;
        for (String t : a) {
            Integer left = counts.get(t);
            if (left != null && left > 0) {
                counts.put(t, left - 1);
                common++;
            }
        }
        return common;
    }

    private static int longestCommonSubsequence(List<String> a, List<String> b) {
        int[] row = new int[b.size() + 1];
        for (String x : a) {
            int diagonal = 0;
            for (int j = 1; j <= b.size(); j++) {
                int above = row[j];
                row[j] = x.equals(b.get(j - 1)) ? diagonal + 1 : Math.max(row[j], row[j - 1]);
                diagonal = above;
            }
        }
        return row[b.size()];
    }

    @Override
    public double primary() {
        return tokenF1;
    }

    @Override
    public Map<String, Double> summary() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("tokenF1", tokenF1);
        m.put("exactMatch", exactMatch);
        m.put("rougeL", rougeL);
        return m;
    }

    @Override
    public JsonObject toJson() {
        jakarta.json.JsonArrayBuilder shown = Json.createArrayBuilder();
        samples.forEach(x -> shown.add(x.toJson()));
        return Json.createObjectBuilder().add("answers", answers).add("exactMatch", exactMatch)
                .add("tokenF1", tokenF1).add("rougeL", rougeL).add("samples", shown).build();
    }

    /** Reads what {@link #toJson()} wrote. */
    public static AnswerMetrics fromJson(JsonObject o) {
        List<Sample> samples = new ArrayList<>();
        if (o.containsKey("samples")) {
            for (JsonObject x : o.getJsonArray("samples").getValuesAs(JsonObject.class)) {
                samples.add(new Sample(x.getString("prompt"), x.getString("reference"), x.getString("answer")));
            }
        }
        return new AnswerMetrics(o.getInt("answers"), o.getJsonNumber("exactMatch").doubleValue(),
                o.getJsonNumber("tokenF1").doubleValue(), o.getJsonNumber("rougeL").doubleValue(), samples);
    }
}
