package io.tuneledger.data;

import java.util.Objects;

/**
 * A question–answer pair read from an input, for retrieval: the pair's id, the query, the id and text of the document
 * that answers it, optionally a hard negative (a document judged not to answer it: id and text, or both null), and the
 * line it came from.
 */
public record PairRecord(String id, String query, String documentId, String positive, String negativeId,
        String negative, long lineNumber) {

    public PairRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(positive, "positive");
        if ((negativeId == null) != (negative == null)) {
            throw new IllegalArgumentException("A hard negative needs both its id and its text");
        }
    }
}
