package io.tuneledger.api;

import io.tuneledger.launch.JobDefinition;
import java.util.List;

/** A launchable job and its parameters with their defaults. */
public record JobView(String name, String description, List<Parameter> parameters) {

    /** One parameter; {@code defaultValue} null when it has none. */
    public record Parameter(String name, String defaultValue, boolean required, String description) {
    }

    static JobView of(JobDefinition job) {
        return new JobView(job.jobName(), job.description(), job.parameters().stream()
                .map(p -> new Parameter(p.name(), p.defaultValue(), p.required(), p.description()))
                .toList());
    }
}
