package io.tuneledger.ml;

import java.util.Locale;

/** The three splits of a dataset version, in file order. */
public enum Split {
    TRAIN, VALIDATION, TEST;

    /** The split's file in a dataset version's directory. */
    public String fileName() {
        return parameterName() + ".jsonl";
    }

    /** The split's name as parameters, manifests and the API write it. */
    public String parameterName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
