package io.tuneledger.data;

import java.io.Serializable;

/**
 * Where a {@link RecordSource} is: records read, and for files the byte offset of the next record and the physical
 * lines before it, for tables the last key read. The checkpoint value of the ingest step.
 */
public record SourcePosition(long records, long offset, long lines, Serializable lastKey) implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final SourcePosition START = new SourcePosition(0, 0, 0, null);

    @Override
    public String toString() {
        return records + " records" + (lastKey != null ? ", last key " + lastKey : ", line " + lines + ", byte " + offset);
    }
}
