package io.tuneledger.launch;

import io.tuneledger.config.Parameter;
import java.util.List;
import java.util.Map;

/**
 * A job that can be launched: its id (the job XML's file name), its parameters, and the checks that go beyond one
 * value. Each job contributes one CDI bean of this type; the {@link JobCatalog} collects them.
 */
public interface JobDefinition {

    /** The job id, equal to the name of its XML file in META-INF/batch-jobs. */
    String jobName();

    /** What the job does, in one sentence. */
    String description();

    /** The parameters, in the order a form shows them. */
    List<Parameter<?>> parameters();

    /**
     * Checks needing more than one value or the environment (files, the store, the registries), after each value
     * passed its rule. May normalise values in place (for example an input path to its real path), so that the
     * execution records what was really used.
     */
    default List<ParameterError> prepare(Map<String, String> parameters) {
        return List.of();
    }
}
