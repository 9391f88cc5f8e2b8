package io.tuneledger.ml;

/** How the encoder's token states become one vector for the classification head. */
public enum Pooling {
    /** The first token's state ([CLS]). */
    CLS,
    /** The average of the non-padding tokens' states. */
    MEAN
}
