package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a study found: every unit's figures and, per trial, their mean and sample standard deviation over the folds;
 * for a search, the best trial (highest mean primary figure; the lower trial number on a tie) with its parameters.
 * Built from the units' result files alone, so it does not matter where or when each unit ran.
 */
public final class StudyResult {

    private StudyResult() {
    }

    /** One unit's outcome: the figures on its scored split and how its training went. */
    public record UnitResult(String unit, int trial, int fold, String split, int examples, Map<String, Double> figures,
            int steps, int bestEpoch, boolean stoppedEarly, boolean halted) {

        public UnitResult {
            figures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(figures));
        }

        public JsonObject toJson() {
            JsonObjectBuilder f = Json.createObjectBuilder();
            figures.forEach(f::add);
            return Json.createObjectBuilder().add("unit", unit).add("trial", trial).add("fold", fold)
                    .add("split", split).add("examples", examples).add("figures", f).add("steps", steps)
                    .add("bestEpoch", bestEpoch).add("stoppedEarly", stoppedEarly).add("halted", halted).build();
        }

        public static UnitResult fromJson(JsonObject json) {
            Map<String, Double> figures = new LinkedHashMap<>();
            json.getJsonObject("figures").forEach((k, v) -> figures.put(k,
                    ((jakarta.json.JsonNumber) v).doubleValue()));
            return new UnitResult(json.getString("unit"), json.getInt("trial"), json.getInt("fold"),
                    json.getString("split"), json.getInt("examples"), figures, json.getInt("steps"),
                    json.getInt("bestEpoch"), json.getBoolean("stoppedEarly"), json.getBoolean("halted", false));
        }
    }

    /**
     * The study's result as the execution shows it ({@code result}). {@code units} holds one result per unit of the
     * plan; {@code primary} names the figure that ranks trials (the first of each unit's figures).
     */
    public static JsonObject of(StudyPlan plan, List<UnitResult> units) {
        if (units.size() != plan.units().size()) {
            throw new IllegalArgumentException("The study has " + plan.units().size() + " units but " + units.size()
                    + " results");
        }
        String primary = units.get(0).figures().keySet().iterator().next();
        JsonObjectBuilder out = Json.createObjectBuilder().add("kind", plan.kind().id()).add("folds", plan.folds())
                .add("split", units.get(0).split()).add("primary", primary);
        if (plan.method() != null) {
            out.add("method", plan.method());
        }
        JsonArrayBuilder trials = Json.createArrayBuilder();
        int best = -1;
        double bestMean = Double.NEGATIVE_INFINITY;
        JsonObject bestTrial = null;
        for (int t = 0; t < plan.trials().size(); t++) {
            final int trial = t;
            List<UnitResult> mine = units.stream().filter(u -> u.trial() == trial).toList();
            JsonObjectBuilder parameters = Json.createObjectBuilder();
            plan.trials().get(t).forEach(parameters::add);
            JsonArrayBuilder folds = Json.createArrayBuilder();
            mine.forEach(u -> folds.add(u.toJson()));
            Map<String, Double> mean = new LinkedHashMap<>();
            Map<String, Double> std = new LinkedHashMap<>();
            for (String figure : mine.get(0).figures().keySet()) {
                double[] values = mine.stream().mapToDouble(u -> u.figures().getOrDefault(figure, Double.NaN))
                        .toArray();
                mean.put(figure, mean(values));
                std.put(figure, std(values));
            }
            boolean halted = mine.stream().anyMatch(UnitResult::halted);
            JsonObject entry = Json.createObjectBuilder().add("trial", t).add("parameters", parameters)
                    .add("halted", halted).add("mean", json(mean)).add("std", json(std)).add("units", folds).build();
            trials.add(entry);
            if (!halted && mean.get(primary) > bestMean) {
                bestMean = mean.get(primary);
                best = t;
                bestTrial = entry;
            }
        }
        if (plan.kind() == StudyPlan.Kind.CROSS_VALIDATION) {
            JsonObject only = out.build();
            return Json.createObjectBuilder(only).add("perFold", bestTrial.getJsonArray("units"))
                    .add("mean", bestTrial.getJsonObject("mean")).add("std", bestTrial.getJsonObject("std")).build();
        }
        if (plan.halving()) {
            out.add("halving", Json.createObjectBuilder().add("firstRungEpochs", StudyPlan.FIRST_RUNG_EPOCHS)
                    .add("trainedOn", plan.survivors()).add("of", plan.trials().size()));
        }
        return out.add("trials", trials).add("best", Json.createObjectBuilder().add("trial", best)
                .add("parameters", bestTrial.getJsonObject("parameters")).add("mean", bestTrial.getJsonObject("mean"))
                .add("std", bestTrial.getJsonObject("std"))).build();
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** The sample standard deviation (n - 1); 0 for one value. */
    static double std(double[] values) {
        if (values.length < 2) {
            return 0;
        }
        double m = mean(values);
        double sum = 0;
        for (double v : values) {
            sum += (v - m) * (v - m);
        }
        return Math.sqrt(sum / (values.length - 1));
    }

    private static JsonObject json(Map<String, Double> figures) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        figures.forEach(b::add);
        return b.build();
    }

    /** The parameters of a search result's best trial, by name; empty for a cross-validation. */
    public static Map<String, String> bestParameters(JsonObject result) {
        Map<String, String> m = new LinkedHashMap<>();
        if (result.get("best") instanceof JsonObject best) {
            best.getJsonObject("parameters").forEach((k, v) -> m.put(k, ((jakarta.json.JsonString) v).getString()));
        }
        return m;
    }

    /**
     * The trials that train on after the first rung of a halving search: the {@link StudyPlan#survivors()} best by
     * the mean primary figure of their units' first-rung results (the lower trial number on a tie), in trial order.
     */
    public static List<Integer> survivors(StudyPlan plan, List<UnitResult> firstRung) {
        List<double[]> scores = new ArrayList<>();
        for (int t = 0; t < plan.trials().size(); t++) {
            final int trial = t;
            double[] values = firstRung.stream().filter(u -> u.trial() == trial)
                    .mapToDouble(u -> u.figures().values().iterator().next()).toArray();
            if (values.length == 0) {
                throw new IllegalArgumentException("Trial " + t + " has no first-rung result");
            }
            scores.add(new double[] {t, mean(values)});
        }
        scores.sort((a, b) -> a[1] != b[1] ? Double.compare(b[1], a[1]) : Double.compare(a[0], b[0]));
        return scores.subList(0, plan.survivors()).stream().map(a -> (int) a[0]).sorted().toList();
    }

    /** Unit ids of {@code plan} whose results are missing from {@code found}, in plan order. */
    public static List<String> missing(StudyPlan plan, Map<String, UnitResult> found) {
        List<String> out = new ArrayList<>();
        plan.units().forEach(u -> {
            if (!found.containsKey(u.id())) {
                out.add(u.id());
            }
        });
        return out;
    }
}
