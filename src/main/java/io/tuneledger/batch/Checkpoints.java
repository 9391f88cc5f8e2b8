package io.tuneledger.batch;

import java.io.Serializable;

/** Checks that a checkpoint handed back by the runtime is the step's own kind of position. */
final class Checkpoints {

    private Checkpoints() {
    }

    /**
     * {@code checkpoint} as a {@code P}; null for none; an {@link IllegalStateException} naming both types otherwise.
     */
    static <P extends Serializable> P cast(Serializable checkpoint, Class<P> type, String step, String role) {
        if (checkpoint == null) {
            return null;
        }
        if (!type.isInstance(checkpoint)) {
            throw new IllegalStateException("The checkpoint of step " + step + "'s " + role + " is a "
                    + checkpoint.getClass().getName() + ", not a " + type.getName() + ": it does not belong to this"
                    + " step (was the job definition changed under a running instance?). The output is left as it"
                    + " is; abandon this execution and start a new one");
        }
        return type.cast(checkpoint);
    }
}
