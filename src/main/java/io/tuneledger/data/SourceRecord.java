package io.tuneledger.data;

/** A labelled text read from an input, with the line it came from (for lineage and error reports). */
public record SourceRecord(String id, String text, String label, long lineNumber) {
}
