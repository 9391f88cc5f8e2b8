package io.tuneledger.ml;

import java.util.Objects;

/**
 * A retrieval example: a query and the document that answers it (its id and text), and optionally a hard negative:
 * a document that looks relevant but does not answer ({@code null} id and text when there is none).
 */
public record QueryPair(String id, String query, String documentId, String document, String negativeId,
        String negative) {

    public QueryPair {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(document, "document");
        if ((negativeId == null) != (negative == null)) {
            throw new IllegalArgumentException("A hard negative needs both its id and its text");
        }
    }

    /** A pair without a hard negative. */
    public QueryPair(String id, String query, String documentId, String document) {
        this(id, query, documentId, document, null, null);
    }
}
