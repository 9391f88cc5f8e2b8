package io.tuneledger.data;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The text cleaning rules of prepare-dataset, each switchable with the {@code clean} parameter and recorded in the
 * dataset manifest. They run in this order; PII redaction runs after all of them (parameter {@code redact.pii}).
 */
public enum CleaningRule {
    /** E-mail messages: header block removed, MIME parts decoded (transfer encodings, charsets), attachments dropped. */
    EMAIL,
    /** HTML markup to text. */
    HTML,
    /** Unicode NFKC: full-width forms, ligatures and compatibility characters to their plain forms. */
    NFKC,
    /** Control and invisible format characters removed (line breaks and tabs kept). */
    CONTROL,
    /** Runs of spaces collapsed, lines trimmed, blank lines dropped. */
    WHITESPACE;

    /** The parameter value's name of this rule. */
    public String parameterName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a comma-separated list of rule names; {@code none} or an empty value selects no rule. */
    public static Set<CleaningRule> parse(String value) {
        Set<CleaningRule> rules = EnumSet.noneOf(CleaningRule.class);
        if (value == null || value.isBlank() || value.strip().equalsIgnoreCase("none")) {
            return rules;
        }
        for (String part : value.split(",")) {
            String name = part.strip().toUpperCase(Locale.ROOT);
            try {
                rules.add(CleaningRule.valueOf(name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown cleaning rule '" + part.strip() + "'; known: "
                        + String.join(",", java.util.Arrays.stream(values()).map(CleaningRule::parameterName).toList()));
            }
        }
        return rules;
    }

    /** The default: every rule. */
    public static String defaultValue() {
        return String.join(",", java.util.Arrays.stream(values()).map(CleaningRule::parameterName).toList());
    }
}
