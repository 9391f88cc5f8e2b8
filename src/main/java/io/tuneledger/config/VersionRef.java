package io.tuneledger.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A reference to a version of a dataset or model: a number, or {@code latest}. Parsed in one place, with one
 * precedence, for every parameter and path that takes one ({@code dataset.version}, {@code model.version},
 * {@code base.model=name:version}, the REST API's {@code /versions/{v}}).
 */
public sealed interface VersionRef {

    /** The newest version (for models: the newest that was not rejected). */
    record Latest() implements VersionRef {
        @Override
        public String toString() {
            return LATEST;
        }
    }

    /** Version {@code value} (1 or more). */
    record Number(int value) implements VersionRef {
        @Override
        public String toString() {
            return Integer.toString(value);
        }
    }

    String LATEST = "latest";

    /** {@code latest} or a version number; an {@link IllegalArgumentException} otherwise. */
    static VersionRef parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.equals(LATEST)) {
            return new Latest();
        }
        try {
            int n = Integer.parseInt(t);
            if (n >= 1) {
                return new Number(n);
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("must be a version number (1 or more) or latest, got '" + text + "'");
    }

    /** The reference, or empty when the text is not one. */
    static Optional<VersionRef> tryParse(String text) {
        try {
            return Optional.of(parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The rule of a version parameter. */
    static ValueRule rule() {
        return ValueRule.accepts(VersionRef::parse);
    }

    /** {@code name:version}: a registered dataset or model version. */
    record Named(String name, VersionRef version) {

        private static final Pattern NAME = Pattern.compile(ValueRule.NAME_PATTERN);

        /**
         * {@code name:version} (version a number or latest), or empty when the text is not of that form. The version
         * is what follows the last colon.
         */
        public static Optional<Named> tryParse(String text) {
            if (text == null) {
                return Optional.empty();
            }
            int colon = text.lastIndexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            String name = text.substring(0, colon);
            if (!NAME.matcher(name).matches()) {
                return Optional.empty();
            }
            return VersionRef.tryParse(text.substring(colon + 1)).map(v -> new Named(name, v));
        }

        @Override
        public String toString() {
            return name + ":" + version;
        }
    }
}
