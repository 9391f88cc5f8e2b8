package io.tuneledger.launch;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The jobs this deployment can launch, from the {@link JobDefinition} beans it contains. */
@ApplicationScoped
public class JobCatalog {

    @Inject
    @Any
    Instance<JobDefinition> definitions;

    /** All jobs, by name. */
    public List<JobDefinition> jobs() {
        return definitions.stream().sorted(Comparator.comparing(JobDefinition::jobName)).toList();
    }

    public Optional<JobDefinition> find(String jobName) {
        return definitions.stream().filter(d -> d.jobName().equals(jobName)).findFirst();
    }
}
