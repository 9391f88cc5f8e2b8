package io.tuneledger.api;

/**
 * The roles of ARCHITECTURE.md: an operator runs jobs, an auditor reads the audit trail and the reports, an admin
 * does both and manages models. Reading job, dataset and model state is open to every role.
 */
public final class Roles {

    public static final String OPERATOR = "operator";
    public static final String AUDITOR = "auditor";
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
