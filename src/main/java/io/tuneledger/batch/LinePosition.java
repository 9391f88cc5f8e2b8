package io.tuneledger.batch;

import java.io.Serializable;

/** Checkpoint of a line-oriented reader: lines consumed and the byte offset of the next line. */
public record LinePosition(long lines, long byteOffset) implements Serializable {

    private static final long serialVersionUID = 1L;

    @Override
    public String toString() {
        return "line " + lines + ", byte " + byteOffset;
    }
}
