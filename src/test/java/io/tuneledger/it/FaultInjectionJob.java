package io.tuneledger.it;

import io.tuneledger.launch.JobDefinition;
import io.tuneledger.launch.ParameterError;
import io.tuneledger.config.Parameter;
import io.tuneledger.launch.PrepareDatasetJob;
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

    /** Restartable: a restart with 0 lets the ingest finish (the failure is the test's, not the data's). */
    static final Parameter<Long> FAIL_AT_ITEM = Parameter.longInteger("fail.at.item", 0, 0, Long.MAX_VALUE,
            "Input line to fail at (0: never)").restartable();

    @Override
    public List<Parameter<?>> parameters() {
        List<Parameter<?>> all = new ArrayList<>(prepareDataset.parameters());
        all.add(FAIL_AT_ITEM);
        return all;
    }

    @Override
    public List<ParameterError> prepare(Map<String, String> parameters) {
        return prepareDataset.prepare(parameters);
    }
}
