package io.tuneledger.it;

import io.tuneledger.launch.JobDefinition;
import io.tuneledger.launch.ParameterError;
import io.tuneledger.launch.ParameterSpec;
import io.tuneledger.launch.PrepareDatasetJob;
import io.tuneledger.launch.ValueRule;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test-only job definition: prepare-dataset's parameters plus {@code fail.at.item}; launched through the API. */
@ApplicationScoped
public class FaultInjectionJob implements JobDefinition {

    public static final String NAME = "ingest-fault-test";

    @Inject
    PrepareDatasetJob prepareDataset;

    @Override
    public String jobName() {
        return NAME;
    }

    @Override
    public String description() {
        return "Test only: ingest that fails after writing the chunk holding line fail.at.item";
    }

    @Override
    public List<ParameterSpec> parameters() {
        List<ParameterSpec> all = new ArrayList<>(prepareDataset.parameters());
        all.add(ParameterSpec.optional("fail.at.item", "0", "Input line to fail at (0: never)",
                ValueRule.integer(0, Long.MAX_VALUE)));
        return all;
    }

    @Override
    public List<ParameterError> prepare(Map<String, String> parameters) {
        return prepareDataset.prepare(parameters);
    }
}
