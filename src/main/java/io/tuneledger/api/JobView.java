package io.tuneledger.api;

import io.tuneledger.launch.JobDefinition;
import java.util.List;

/** A launchable job and its parameters with their defaults. */
public record JobView(String name, String description, List<Parameter> parameters) {

    /**
     * One parameter; {@code defaultValue} null when it has none; {@code restartable} when a restart may change it
     * (every other parameter keeps the value the execution started with).
     */
    public record Parameter(String name, String defaultValue, boolean required, String description,
            boolean restartable) {
    }

    static JobView of(JobDefinition job) {
        return new JobView(job.jobName(), job.description(), job.parameters().stream()
                .map(p -> new Parameter(p.name(), p.defaultValue(), p.isRequired(), p.description(),
                        p.isRestartable()))
                .toList());
    }
}
