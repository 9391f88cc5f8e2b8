package io.tuneledger.config;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** A check on one parameter's value; answers the problem, or empty when the value is fine. */
@FunctionalInterface
public interface ValueRule {

    Optional<String> check(String value);

    /** Any text. */
    static ValueRule anyText() {
        return v -> Optional.empty();
    }

    /** A whole number in [min, max]. */
    static ValueRule integer(long min, long max) {
        return v -> {
            try {
                long n = Long.parseLong(v.strip());
                return n < min || n > max
                        ? Optional.of("must be between " + min + " and " + max + ", got " + n)
                        : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.of("must be a whole number, got '" + v + "'");
            }
        };
    }

    /** One of the listed words. */
    static ValueRule oneOf(List<String> allowed) {
        return v -> allowed.contains(v.strip()) ? Optional.empty()
                : Optional.of("must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }

    /** One of the listed words. */
    static ValueRule oneOf(String... allowed) {
        return oneOf(List.of(allowed));
    }

    /** true or false. */
    static ValueRule bool() {
        return oneOf("true", "false");
    }

    /** A name made of lower-case letters, digits, dots, dashes and underscores, starting with a letter or digit. */
    static ValueRule name() {
        Pattern p = Pattern.compile(NAME_PATTERN);
        return v -> p.matcher(v).matches() ? Optional.empty()
                : Optional.of("must be 1 to 100 characters of a-z, 0-9, '.', '-', '_', starting with a letter or digit,"
                        + " got '" + v + "'");
    }

    /** What {@link #name()} accepts. */
    String NAME_PATTERN = "[a-z0-9][a-z0-9._-]{0,99}";

    /** An identifier of a field or column: letters, digits and underscores, starting with a letter or underscore. */
    static ValueRule fieldName() {
        Pattern p = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");
        return v -> p.matcher(v).matches() ? Optional.empty()
                : Optional.of("must be a field name (letters, digits, '_', '.', '-'), got '" + v + "'");
    }

    /** A decimal number in [min, max]. */
    static ValueRule decimal(double min, double max) {
        return v -> {
            try {
                double d = Double.parseDouble(v.strip());
                return d >= min && d <= max ? Optional.empty()
                        : Optional.of("must be between " + min + " and " + max + ", got " + v);
            } catch (NumberFormatException e) {
                return Optional.of("must be a number, got '" + v + "'");
            }
        };
    }

    /** A value that {@code check} accepts without throwing; its {@link IllegalArgumentException} is the problem. */
    static ValueRule accepts(java.util.function.Consumer<String> check) {
        return v -> {
            try {
                check.accept(v);
                return Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.of(e.getMessage());
            }
        };
    }

    /** This rule, or the word {@code word}. */
    default ValueRule or(String word) {
        return v -> v.strip().equals(word) ? Optional.empty() : check(v);
    }
}
