package io.tuneledger.job;

import java.util.List;
import java.util.Optional;

/**
 * Executions as the job repository records them, for readers below the launcher (the compliance reports). The
 * launcher's execution queries implement it.
 */
public interface ExecutionHistory {

    /** One execution with its steps, or empty when there is none (never was, or the retention job removed it). */
    Optional<ExecutionInfo> find(long executionId);

    /** Every execution of the job instance of {@code executionId} (the first launch and its restarts), oldest first. */
    List<ExecutionInfo> ofInstance(long executionId);
}
