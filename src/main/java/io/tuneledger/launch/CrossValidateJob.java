package io.tuneledger.launch;

import io.tuneledger.batch.JobParameters;
import io.tuneledger.config.Parameter;
import io.tuneledger.config.ParameterValues;
import io.tuneledger.data.DataStore;
import io.tuneledger.registry.DatasetRegistry;
import io.tuneledger.registry.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The cross-validate job: k-fold cross-validation of a training configuration, one partition per fold. */
@ApplicationScoped
public class CrossValidateJob implements JobDefinition {

    public static final String NAME = "cross-validate";

    @Inject
    DatasetRegistry datasets;

    @Inject
    ModelRegistry models;

    @Inject
    DataStore store;

    @Override
    public String jobName() {
        return NAME;
    }

    @Override
    public String description() {
        return "Cross-validates a training configuration: the train and validation splits dealt into stratified"
                + " folds, one checkpointed training run per fold scored on its held-out fold, the figures per fold"
                + " with their mean and standard deviation.";
    }

    @Override
    public List<Parameter<?>> parameters() {
        return JobParameters.CROSS_VALIDATE;
    }

    @Override
    public List<ParameterError> prepare(Map<String, String> parameters) {
        List<ParameterError> errors = new ArrayList<>();
        FineTuneJob.resolveBaseDirectory(parameters, store);
        StudyJobs.check(ParameterValues.of(parameters), datasets, models, store, JobParameters.FOLDS, errors);
        return errors;
    }
}
