package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training runs of a study, fixed when the study starts and kept in its run directory ({@code study.json}), so
 * that a restart, or a partition on another server, sees the same plan. A cross-validation is one trial (the job's
 * configuration) over {@code folds} folds; a search is several trials (each a set of parameter values over the job's
 * configuration), each scored on the validation split or, with folds, by cross-validation. One unit is one trial on
 * one fold: one partition of the job's train step.
 */
public record StudyPlan(Kind kind, int folds, String method, List<Map<String, String>> trials, boolean halving) {

    /** With halving: the epochs every trial trains before the cut, and the share of trials that train on. */
    public static final int FIRST_RUNG_EPOCHS = 1;
    public static final int KEEP_ONE_IN = 3;

    /** What the study answers. */
    public enum Kind {
        /** How well does this configuration generalise (mean and spread over folds)? */
        CROSS_VALIDATION,
        /** Which configuration is best? */
        SEARCH;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** One trial on one fold ({@code fold} -1: the dataset's own validation split). */
    public record Unit(String id, int trial, int fold) {

        /** The split a unit is scored on: its held-out fold (the test file of the fold's data), or validation. */
        public Split scoredOn() {
            return fold < 0 ? Split.VALIDATION : Split.TEST;
        }
    }

    public StudyPlan {
        if (folds == 1 || folds < 0) {
            throw new IllegalArgumentException("folds must be 0 (none) or at least 2");
        }
        if (trials.isEmpty()) {
            throw new IllegalArgumentException("a study needs at least one trial");
        }
        trials = trials.stream().map(t -> java.util.Collections.unmodifiableMap(new LinkedHashMap<>(t))).toList();
    }

    public static StudyPlan crossValidation(int folds) {
        return new StudyPlan(Kind.CROSS_VALIDATION, folds, null, List.of(Map.of()), false);
    }

    public static StudyPlan search(String method, List<Map<String, String>> trials, int folds, boolean halving) {
        return new StudyPlan(Kind.SEARCH, folds, method, trials, halving);
    }

    /** How many trials train on after the first rung of a halving search: a third, rounded up. */
    public int survivors() {
        return halving ? (trials.size() + KEEP_ONE_IN - 1) / KEEP_ONE_IN : trials.size();
    }

    /** The units in partition order: trial by trial, fold by fold. */
    public List<Unit> units() {
        List<Unit> units = new ArrayList<>();
        for (int t = 0; t < trials.size(); t++) {
            if (folds == 0) {
                units.add(new Unit("trial-" + t, t, -1));
            }
            for (int f = 0; f < folds; f++) {
                units.add(new Unit(kind == Kind.CROSS_VALIDATION ? "fold-" + f : "trial-" + t + "-fold-" + f, t, f));
            }
        }
        return units;
    }

    public Unit unit(String id) {
        return units().stream().filter(u -> u.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("The study has no unit " + id));
    }

    public JsonObject toJson() {
        JsonArrayBuilder t = Json.createArrayBuilder();
        for (Map<String, String> trial : trials) {
            JsonObjectBuilder p = Json.createObjectBuilder();
            trial.forEach(p::add);
            t.add(p);
        }
        JsonObjectBuilder b = Json.createObjectBuilder().add("kind", kind.id()).add("folds", folds);
        if (method != null) {
            b.add("method", method);
        }
        return b.add("trials", t).add("halving", halving).build();
    }

    public static StudyPlan fromJson(JsonObject json) {
        List<Map<String, String>> trials = new ArrayList<>();
        for (JsonValue v : json.getJsonArray("trials")) {
            Map<String, String> m = new LinkedHashMap<>();
            v.asJsonObject().forEach((k, value) -> m.put(k, ((jakarta.json.JsonString) value).getString()));
            trials.add(m);
        }
        Kind kind = Kind.valueOf(json.getString("kind").toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        return new StudyPlan(kind, json.getInt("folds"), json.getString("method", null), trials,
                json.getBoolean("halving", false));
    }
}
