package io.tuneledger.launch;

import java.util.Objects;

/**
 * One job parameter: its name, default ({@code null}: none), whether it is required, what it means, and the rule its
 * value must follow.
 */
public record ParameterSpec(String name, String defaultValue, boolean required, String description, ValueRule rule) {

    public ParameterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(rule, "rule");
    }

    /** A required parameter without default. */
    public static ParameterSpec required(String name, String description, ValueRule rule) {
        return new ParameterSpec(name, null, true, description, rule);
    }

    /** An optional parameter with a default value. */
    public static ParameterSpec optional(String name, String defaultValue, String description, ValueRule rule) {
        return new ParameterSpec(name, defaultValue, false, description, rule);
    }
}
