package io.tuneledger.data;

/**
 * One line of an input file as bytes, with its 1-based line number and the byte offset where it starts.
 * Decoding is left to the consumer so that an invalid encoding becomes a quarantined record, not a crash.
 */
public record RawLine(long lineNumber, long offset, byte[] bytes, boolean truncated) {
}
