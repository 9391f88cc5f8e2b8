package io.tuneledger.api;

import io.tuneledger.launch.ParameterError;
import java.util.List;

/**
 * Whole-number query parameters read as text, so that one that is not a number, or out of range, is a 400 naming it
 * (JAX-RS would answer 404 for a query parameter it cannot convert).
 */
final class QueryNumbers {

    private QueryNumbers() {
    }

    /** {@code value} as an int in [{@code min}, {@code max}]; {@code fallback} when absent; else an error in errors. */
    static int read(String name, String value, int fallback, int min, int max, List<ParameterError> errors) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n >= min && n <= max) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new ParameterError(name, "must be a whole number from " + min + " to " + max + ", got '"
                + LaunchRequests.shortened(value) + "'"));
        return fallback;
    }
}
