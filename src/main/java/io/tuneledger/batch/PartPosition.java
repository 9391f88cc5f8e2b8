package io.tuneledger.batch;

import java.io.Serializable;

/** Checkpoint of a score partition's writer: which partition, and the synced length of its part file. */
public record PartPosition(int partition, long bytes) implements Serializable {

    private static final long serialVersionUID = 1L;
}
