package io.tuneledger.audit;

import java.util.Arrays;
import java.util.Optional;

/** What an audit event is about; {@link #id()} is the text stored and filtered on ({@code job-execution}). */
public enum SubjectType {
    /** The application itself (subject id {@code tuneledger}). */
    SYSTEM("system"),
    /** A user name tried at sign-in. */
    USER("user"),
    /** The ledger itself: its keys, by id ({@code k2}). */
    LEDGER("ledger"),
    /** A client address (or IPv6 /64 network) that signs in. */
    CLIENT("client"),
    /** A job execution, by id. */
    JOB_EXECUTION("job-execution"),
    /** A dataset version: {@code name vN}. */
    DATASET("dataset"),
    /** A model version: {@code name vN}. */
    MODEL("model"),
    /** A run of the retention job, by execution id. */
    RETENTION("retention");

    private final String id;

    SubjectType(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<SubjectType> byId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }

    /** The subject id of version {@code version} of dataset or model {@code name}. */
    public static String version(String name, int version) {
        return name + " v" + version;
    }

    @Override
    public String toString() {
        return id;
    }
}
