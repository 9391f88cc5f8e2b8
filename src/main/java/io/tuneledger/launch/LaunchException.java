package io.tuneledger.launch;

import java.util.List;

/** Why a launch, restart, stop or query could not be done. The subclasses map to HTTP statuses and CLI exit codes. */
public abstract class LaunchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    protected LaunchException(String message) {
        super(message);
    }

    /** No job of that name in this deployment. */
    public static final class UnknownJob extends LaunchException {
        private static final long serialVersionUID = 1L;

        public UnknownJob(String jobName) {
            super("No job named '" + jobName + "'");
        }
    }

    /** One or more parameters cannot be used; nothing was started. */
    public static final class InvalidParameters extends LaunchException {
        private static final long serialVersionUID = 1L;
        private final transient List<ParameterError> errors;

        public InvalidParameters(List<ParameterError> errors) {
            super("Invalid parameters: " + errors);
            this.errors = List.copyOf(errors);
        }

        public List<ParameterError> errors() {
            return errors;
        }
    }

    /** No execution with that id. */
    public static final class NoSuchExecution extends LaunchException {
        private static final long serialVersionUID = 1L;

        public NoSuchExecution(long executionId) {
            super("No job execution " + executionId);
        }
    }

    /** The execution is not in a state that allows the operation (restart a completed job, stop a stopped one). */
    public static final class Conflict extends LaunchException {
        private static final long serialVersionUID = 1L;

        public Conflict(String message) {
            super(message);
        }
    }
}
