package io.tuneledger.ml;

import java.util.List;

/**
 * A trained retrieval model loaded from its artifact: unit-length vectors of documents and of queries (a query gets
 * the model's query prompt first), whose dot product is their cosine similarity.
 */
public interface TextEncoder extends AutoCloseable {

    /** The vectors of {@code texts} as documents, in their order. */
    float[][] documents(List<String> texts);

    /** The vectors of {@code texts} as queries, in their order. */
    float[][] queries(List<String> texts);

    @Override
    void close();
}
