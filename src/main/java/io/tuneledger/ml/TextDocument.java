package io.tuneledger.ml;

/** A document that retrieval ranks: its id and text. */
public record TextDocument(String id, String text) {
}
