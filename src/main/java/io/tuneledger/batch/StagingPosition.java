package io.tuneledger.batch;

import java.io.Serializable;

/**
 * Checkpoint of the staging writer: committed lengths and record counts of its output files (accepted records or
 * pairs, quarantined ones, and the documents of a retrieval corpus).
 */
public record StagingPosition(long acceptedBytes, long quarantineBytes, long documentsBytes, long accepted,
        long quarantined, long documents) implements Serializable {

    private static final long serialVersionUID = 2L;

    static final StagingPosition START = new StagingPosition(0, 0, 0, 0, 0, 0);
}
