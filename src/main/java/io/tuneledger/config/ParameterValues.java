package io.tuneledger.config;

import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The parameters an execution runs with, as text, read through their {@link Parameter}s into typed values (with the
 * parameter's default when a value is missing). Parameters the batch runtime adds for itself ({@code jberet.*}) are
 * left out.
 */
public final class ParameterValues {

    /** Prefix of the parameters JBeret adds to every execution. */
    public static final String RUNTIME_PREFIX = "jberet.";

    private final Map<String, String> values;

    private ParameterValues(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static ParameterValues of(Map<String, String> values) {
        Map<String, String> copy = new TreeMap<>();
        values.forEach((k, v) -> {
            if (!k.startsWith(RUNTIME_PREFIX) && v != null) {
                copy.put(k, v);
            }
        });
        return new ParameterValues(copy);
    }

    public static ParameterValues of(Properties properties) {
        Map<String, String> map = new TreeMap<>();
        if (properties != null) {
            for (String name : properties.stringPropertyNames()) {
                map.put(name, properties.getProperty(name));
            }
        }
        return of(map);
    }

    /** The typed value of {@code parameter}. */
    public <T> T get(Parameter<T> parameter) {
        return parameter.parse(values.get(parameter.name()));
    }

    /** The value as given, or null. */
    public String text(String name) {
        return values.get(name);
    }

    /** Every value by name, sorted. */
    public Map<String, String> asMap() {
        return values;
    }

    public Properties toProperties() {
        Properties p = new Properties();
        p.putAll(values);
        return p;
    }
}
