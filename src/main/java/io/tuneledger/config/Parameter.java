package io.tuneledger.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One job parameter, written once: its name, default ({@code null}: none), whether it is required, what it means,
 * the rule its value must follow, how its text becomes a typed value, and whether a restart may change it. The launch
 * catalogue, the steps, the provenance, the reports and the generated reference (docs/jobs.md) all read it from here.
 *
 * @param <T> the typed value
 */
public final class Parameter<T> {

    private final String name;
    private final String defaultValue;
    private final boolean required;
    private final String description;
    private final ValueRule rule;
    private final Function<String, T> parser;
    private final boolean restartable;

    private Parameter(String name, String defaultValue, boolean required, String description, ValueRule rule,
            Function<String, T> parser, boolean restartable) {
        this.name = Objects.requireNonNull(name, "name");
        this.defaultValue = defaultValue;
        this.required = required;
        this.description = Objects.requireNonNull(description, "description");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.restartable = restartable;
    }

    /** A parameter whose value is checked by {@code rule} and turned into a {@code T} by {@code parser}. */
    public static <T> Parameter<T> of(String name, String defaultValue, String description, ValueRule rule,
            Function<String, T> parser) {
        return new Parameter<>(name, defaultValue, false, description, rule, parser, false);
    }

    /** Free text (a path, a JNDI name, a list). */
    public static Parameter<String> text(String name, String defaultValue, String description) {
        return of(name, defaultValue, description, ValueRule.anyText(), v -> v);
    }

    /** A name of a dataset or model: lower-case letters, digits, '.', '-', '_'. */
    public static Parameter<String> name(String name, String description) {
        return of(name, null, description, ValueRule.name(), v -> v);
    }

    /** A field or column name. */
    public static Parameter<String> field(String name, String defaultValue, String description) {
        return of(name, defaultValue, description, ValueRule.fieldName(), v -> v);
    }

    /** A whole number in [min, max]. */
    public static Parameter<Integer> integer(String name, int defaultValue, int min, int max, String description) {
        return of(name, Integer.toString(defaultValue), description, ValueRule.integer(min, max),
                v -> Integer.parseInt(v.strip()));
    }

    /** A 64-bit whole number in [min, max]. */
    public static Parameter<Long> longInteger(String name, long defaultValue, long min, long max,
            String description) {
        return of(name, Long.toString(defaultValue), description, ValueRule.integer(min, max),
                v -> Long.parseLong(v.strip()));
    }

    /** A decimal number in [min, max], its default written as text so that it reads as documented (1e-3, say). */
    public static Parameter<Double> decimal(String name, String defaultValue, double min, double max,
            String description) {
        return of(name, defaultValue, description, ValueRule.decimal(min, max), v -> Double.parseDouble(v.strip()));
    }

    /** A decimal number in [min, max] read as a {@code float} (the model core's precision). */
    public static Parameter<Float> floating(String name, String defaultValue, double min, double max,
            String description) {
        return of(name, defaultValue, description, ValueRule.decimal(min, max), v -> Float.parseFloat(v.strip()));
    }

    /** A decimal number in [min, max], or {@code none} (the default), which parses to {@code null}. */
    public static Parameter<Double> decimalOrNone(String name, double min, double max, String description) {
        return of(name, NONE, description, ValueRule.decimal(min, max).or(NONE),
                v -> v.strip().equals(NONE) ? null : Double.parseDouble(v.strip()));
    }

    /** One of the listed words; the first is the default. */
    public static Parameter<String> choice(String name, String description, String... words) {
        return of(name, words[0], description, ValueRule.oneOf(words), String::strip);
    }

    /** true or false. */
    public static Parameter<Boolean> bool(String name, boolean defaultValue, String description) {
        return of(name, Boolean.toString(defaultValue), description, ValueRule.bool(),
                v -> Boolean.parseBoolean(v.strip()));
    }

    /** The word that switches an optional threshold off. */
    public static final String NONE = "none";

    /** The same parameter, required and without a default. */
    public Parameter<T> required() {
        return new Parameter<>(name, null, true, description, rule, parser, restartable);
    }

    /** The same parameter with another default ({@code null}: none). */
    public Parameter<T> withDefault(String value) {
        return new Parameter<>(name, value, required, description, rule, parser, restartable);
    }

    /** The same parameter with another description. */
    public Parameter<T> describedAs(String text) {
        return new Parameter<>(name, defaultValue, required, text, rule, parser, restartable);
    }

    /** The same parameter under {@code prefix + name} (the score job's parameters in the pipeline: score.*). */
    public Parameter<T> prefixed(String prefix) {
        return new Parameter<>(prefix + name, defaultValue, required, description, rule, parser, restartable);
    }

    /**
     * The same parameter, which a restart may change: it does not enter what a checkpoint or a pinned run depends
     * on (a checkpoint interval, say). Every other parameter keeps the value the execution started with.
     */
    public Parameter<T> restartable() {
        return new Parameter<>(name, defaultValue, required, description, rule, parser, true);
    }

    public String name() {
        return name;
    }

    /** The default as text, or {@code null}. */
    public String defaultValue() {
        return defaultValue;
    }

    public boolean isRequired() {
        return required;
    }

    public String description() {
        return description;
    }

    public boolean isRestartable() {
        return restartable;
    }

    /** The problem with {@code value}, or empty when it follows the rule (and parses). */
    public Optional<String> check(String value) {
        Optional<String> problem = rule.check(value);
        if (problem.isPresent()) {
            return problem;
        }
        try {
            parser.apply(value);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * The typed value of {@code text}; a missing or blank text means the default, and {@code null} when there is
     * none. A text that breaks the rule is an {@link IllegalArgumentException} naming the parameter.
     */
    public T parse(String text) {
        String value = text == null || text.isBlank() ? defaultValue : text.strip();
        if (value == null) {
            return null;
        }
        Optional<String> problem = rule.check(value);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(name + " " + problem.get());
        }
        return parser.apply(value);
    }

    /** The typed default, or {@code null}. */
    public T defaultParsed() {
        return parse(null);
    }

    /** The names of {@code parameters}, in order. */
    public static List<String> names(List<Parameter<?>> parameters) {
        return parameters.stream().map(Parameter::name).toList();
    }

    @Override
    public String toString() {
        return name;
    }
}
