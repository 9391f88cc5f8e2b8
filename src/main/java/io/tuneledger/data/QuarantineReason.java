package io.tuneledger.data;

/** Why an input record was set aside instead of accepted. The codes are stable: reports and manifests use them. */
public enum QuarantineReason {
    /** The line is not a JSON object, or a field has the wrong type. */
    MALFORMED_LINE,
    /** The bytes are not valid UTF-8. */
    INVALID_ENCODING,
    /** The id field is missing or blank. */
    MISSING_ID,
    /** The text field is missing or blank. */
    EMPTY_TEXT,
    /** The label field is missing or blank. */
    MISSING_LABEL,
    /** The line is longer than the reader keeps whole. */
    LINE_TOO_LONG
}
