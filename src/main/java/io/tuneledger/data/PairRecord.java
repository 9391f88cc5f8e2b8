package io.tuneledger.data;

import io.tuneledger.ml.Conversation;
import io.tuneledger.ml.QueryPair;

/**
 * A question–answer pair read from an input, for retrieval or generation, with the line it came from; for a
 * conversation (task=generation with {@code messages.field}), the whole conversation, whose messages before the last
 * are the pair's prompt ({@code null} otherwise).
 */
public record PairRecord(QueryPair pair, long lineNumber, Conversation conversation) {

    public PairRecord(QueryPair pair, long lineNumber) {
        this(pair, lineNumber, null);
    }
}
