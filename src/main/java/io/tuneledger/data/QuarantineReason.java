package io.tuneledger.data;

/** Why an input record was set aside instead of accepted. The codes are stable: reports and manifests use them. */
public enum QuarantineReason {
    /** The record cannot be parsed: not a JSON object, broken CSV quoting, a wrong number of CSV fields. */
    MALFORMED_LINE,
    /** The bytes are not valid UTF-8. */
    INVALID_ENCODING,
    /** The id field is missing or blank. */
    MISSING_ID,
    /** The text field is missing or blank, or nothing is left of it after cleaning. */
    EMPTY_TEXT,
    /** The label field is missing or blank. */
    MISSING_LABEL,
    /** The label is not one of the job's {@code labels}. */
    UNKNOWN_LABEL,
    /** The record is longer in bytes than a reader keeps whole ({@code max.record.bytes}). */
    LINE_TOO_LONG,
    /** The text has more tokens than {@code max.tokens} and the policy is reject. */
    TOO_LONG,
    /** The text contains a term of the blocked-terms list. */
    BLOCKED_TERM,
    /** The same text occurs with different labels: which one is right cannot be told. */
    LABEL_CONFLICT,
    /** A retrieval pair has no query text. */
    MISSING_QUERY,
    /** A retrieval pair's answer (positive) document has no text. */
    EMPTY_POSITIVE,
    /**
     * A conversation (task=generation, {@code messages.field}) is missing, is not a JSON array of role and content
     * messages, or cannot be a training record (no user message, a system message after the first, or not ending
     * with the assistant's response); the detail says which.
     */
    INVALID_MESSAGES,
    /** A relevance judgement names a query or document that the input's files do not hold (BEIR layout). */
    UNKNOWN_REFERENCE
}
