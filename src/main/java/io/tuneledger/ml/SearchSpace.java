package io.tuneledger.ml;

import io.tuneledger.config.Parameter;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What a hyperparameter search may vary, from the tune job's {@code search.space}: a JSON object whose keys are
 * training parameters ({@link #SEARCHABLE}) and whose values are either a list of values to try ({@code
 * [2e-5, 5e-5]}) or a range ({@code {"min": 1e-5, "max": 3e-4, "scale": "log"}}, scale linear by default). A grid
 * takes every combination of lists; a random search draws each trial's values with a seeded generator, so the same
 * space and seed give the same trials on any machine. Every value is checked against its parameter's rule.
 */
public final class SearchSpace {

    /** The parameters a search may vary. */
    public static final List<Parameter<?>> SEARCHABLE = List.of(TrainingParameters.LEARNING_RATE,
            TrainingParameters.EPOCHS, TrainingParameters.BATCH_SIZE, TrainingParameters.DROPOUT,
            TrainingParameters.WEIGHT_DECAY, TrainingParameters.WARMUP_RATIO, TrainingParameters.CLASS_WEIGHTS);

    /** The space searched when none is given: the settings that matter most for small encoders. */
    public static final String DEFAULT = "{\"train.learning.rate\": {\"min\": 1e-5, \"max\": 3e-4, \"scale\": \"log\"},"
            + " \"train.epochs\": [2, 3, 4], \"train.batch.size\": [8, 16, 32], \"train.dropout\": [0.0, 0.1, 0.2],"
            + " \"train.weight.decay\": [0.0, 0.01, 0.1], \"train.warmup.ratio\": [0.0, 0.1]}";

    /** One parameter's values: a list to choose from, or a range to draw from. */
    sealed interface Dimension permits Choices, Range {
        Parameter<?> parameter();
    }

    record Choices(Parameter<?> parameter, List<String> values) implements Dimension {
    }

    record Range(Parameter<?> parameter, double min, double max, boolean log) implements Dimension {
    }

    private final List<Dimension> dimensions;

    private SearchSpace(List<Dimension> dimensions) {
        this.dimensions = List.copyOf(dimensions);
    }

    /** Parses a space; an {@link IllegalArgumentException} says what is wrong with it. */
    public static SearchSpace parse(String json) {
        JsonObject object;
        try {
            object = Json.createReader(new StringReader(json)).readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new IllegalArgumentException("must be a JSON object such as " + DEFAULT);
        }
        if (object.isEmpty()) {
            throw new IllegalArgumentException("names no parameter to vary; it may vary " + names());
        }
        List<Dimension> dims = new ArrayList<>();
        for (Map.Entry<String, JsonValue> e : object.entrySet()) {
            Parameter<?> p = SEARCHABLE.stream().filter(s -> s.name().equals(e.getKey())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("cannot vary " + e.getKey() + "; it may vary "
                            + names()));
            dims.add(dimension(p, e.getValue()));
        }
        return new SearchSpace(dims);
    }

    private static Dimension dimension(Parameter<?> p, JsonValue value) {
        if (value instanceof jakarta.json.JsonArray list) {
            if (list.isEmpty() || list.size() > 64) {
                throw new IllegalArgumentException(p.name() + " needs 1 to 64 values to try");
            }
            List<String> values = new ArrayList<>();
            for (JsonValue v : list) {
                String text = v instanceof JsonNumber n ? n.toString()
                        : v instanceof JsonString s ? s.getString() : null;
                if (text == null) {
                    throw new IllegalArgumentException(p.name() + ": " + v + " is not a number");
                }
                values.add(checked(p, text));
            }
            return new Choices(p, values);
        }
        if (value instanceof JsonObject range) {
            if (!(p.defaultParsed() instanceof Number)) {
                throw new IllegalArgumentException(p.name() + " needs a list of values, not a range");
            }
            for (String key : range.keySet()) {
                if (!List.of("min", "max", "scale").contains(key)) {
                    throw new IllegalArgumentException(p.name() + ": a range has min, max and scale, not " + key);
                }
            }
            if (!(range.get("min") instanceof JsonNumber min) || !(range.get("max") instanceof JsonNumber max)) {
                throw new IllegalArgumentException(p.name() + ": a range needs numbers min and max");
            }
            String scale = range.getString("scale", "linear");
            if (!scale.equals("linear") && !scale.equals("log")) {
                throw new IllegalArgumentException(p.name() + ": scale is linear or log, not " + scale);
            }
            checked(p, integral(p) ? Long.toString(min.longValue()) : min.toString());
            checked(p, integral(p) ? Long.toString(max.longValue()) : max.toString());
            if (min.doubleValue() > max.doubleValue()) {
                throw new IllegalArgumentException(p.name() + ": min is above max");
            }
            if (scale.equals("log") && min.doubleValue() <= 0) {
                throw new IllegalArgumentException(p.name() + ": a log scale needs a positive min");
            }
            return new Range(p, min.doubleValue(), max.doubleValue(), scale.equals("log"));
        }
        throw new IllegalArgumentException(p.name() + " needs a list of values or a range {\"min\", \"max\"}");
    }

    private static String checked(Parameter<?> p, String text) {
        p.check(text).ifPresent(problem -> {
            throw new IllegalArgumentException(p.name() + ": " + text + " " + problem);
        });
        return text;
    }

    private static boolean integral(Parameter<?> p) {
        return p.defaultParsed() instanceof Integer;
    }

    private static String names() {
        return String.join(", ", SEARCHABLE.stream().map(Parameter::name).toList());
    }

    /** The names of the parameters the space varies, in its order. */
    public List<String> parameterNames() {
        return dimensions.stream().map(d -> d.parameter().name()).toList();
    }

    /** Whether every dimension is a list, so that a grid can be searched. */
    public boolean isGrid() {
        return dimensions.stream().allMatch(d -> d instanceof Choices);
    }

    /** The number of combinations of a grid search (at most 64 values a list, so no overflow). */
    public long gridSize() {
        if (!isGrid()) {
            throw new IllegalStateException("a grid needs a list of values for every parameter");
        }
        long n = 1;
        for (Dimension d : dimensions) {
            n *= ((Choices) d).values().size();
        }
        return n;
    }

    /** Every combination of the lists, the last dimension varying fastest; by parameter name. */
    public List<Map<String, String>> grid() {
        if (!isGrid()) {
            throw new IllegalStateException("a grid needs a list of values for every parameter");
        }
        List<Map<String, String>> trials = new ArrayList<>();
        trials.add(new LinkedHashMap<>());
        for (Dimension d : dimensions) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> t : trials) {
                for (String v : ((Choices) d).values()) {
                    Map<String, String> m = new LinkedHashMap<>(t);
                    m.put(d.parameter().name(), v);
                    next.add(m);
                }
            }
            trials = next;
        }
        return trials;
    }

    /** {@code n} trials drawn from the space with a generator seeded by {@code seed}; by parameter name. */
    public List<Map<String, String>> sample(int n, long seed) {
        Random random = new Random(seed);
        List<Map<String, String>> trials = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, String> trial = new LinkedHashMap<>();
            for (Dimension d : dimensions) {
                trial.put(d.parameter().name(), draw(d, random));
            }
            trials.add(trial);
        }
        return trials;
    }

    private static String draw(Dimension d, Random random) {
        if (d instanceof Choices c) {
            return c.values().get(random.nextInt(c.values().size()));
        }
        Range r = (Range) d;
        double u = random.nextDouble();
        double v = r.log() ? Math.exp(Math.log(r.min()) + u * (Math.log(r.max()) - Math.log(r.min())))
                : r.min() + u * (r.max() - r.min());
        if (integral(r.parameter())) {
            return Long.toString(Math.max((long) Math.ceil(r.min()), Math.min((long) Math.floor(r.max()),
                    Math.round(v))));
        }
        // three significant digits: what a person would write, and the same text on every machine
        String text = new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toString();
        return r.parameter().check(text).isPresent() ? Double.toString(v) : text;
    }
}
