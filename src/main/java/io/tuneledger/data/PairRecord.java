package io.tuneledger.data;

import io.tuneledger.ml.QueryPair;

/** A question–answer pair read from an input, for retrieval, with the line it came from. */
public record PairRecord(QueryPair pair, long lineNumber) {
}
