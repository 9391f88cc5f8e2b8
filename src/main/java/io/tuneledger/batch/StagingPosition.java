package io.tuneledger.batch;

import java.io.Serializable;

/** Checkpoint of the staging writer: committed lengths and record counts of its two output files. */
public record StagingPosition(long acceptedBytes, long quarantineBytes, long accepted, long quarantined)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    static final StagingPosition START = new StagingPosition(0, 0, 0, 0);
}
