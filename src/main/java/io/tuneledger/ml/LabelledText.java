package io.tuneledger.ml;

/** A training or evaluation example: an id, a text and the index of its label. */
public record LabelledText(String id, String text, int label) {
}
