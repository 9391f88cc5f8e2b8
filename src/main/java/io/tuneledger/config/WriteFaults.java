package io.tuneledger.config;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A seam for proving what a full disk does: the writes of training states and output parts ask here first, and when
 * a test has armed a fault for files whose name starts with a given prefix, the chosen write fails the way a full
 * disk makes it fail (after part of the data reached the file). Nothing in the application arms it; the integration
 * tests do, through a test-only resource deployed with them.
 */
public final class WriteFaults {

    private static final class Fault {
        final String prefix;
        int skip;

        Fault(String prefix, int skip) {
            this.prefix = prefix;
            this.skip = skip;
        }
    }

    private static Fault armed;

    private WriteFaults() {
    }

    /** The write after {@code skip} more writes to files named {@code prefix...} fails once. */
    public static synchronized void arm(String prefix, int skip) {
        armed = new Fault(prefix, skip);
    }

    public static synchronized void disarm() {
        armed = null;
    }

    /** Whether this write of {@code file} is the one to fail (the fault is then used up). */
    public static synchronized boolean failsNow(Path file) {
        if (armed == null || !file.getFileName().toString().startsWith(armed.prefix)) {
            return false;
        }
        if (armed.skip-- > 0) {
            return false;
        }
        armed = null;
        return true;
    }

    /** The error a full disk gives. */
    public static IOException diskFull(Path file) {
        return new IOException(file + ": No space left on device");
    }
}
