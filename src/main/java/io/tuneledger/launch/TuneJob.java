package io.tuneledger.launch;

import io.tuneledger.batch.JobParameters;
import io.tuneledger.config.Parameter;
import io.tuneledger.config.ParameterValues;
import io.tuneledger.data.DataStore;
import io.tuneledger.ml.SearchSpace;
import io.tuneledger.registry.DatasetRegistry;
import io.tuneledger.registry.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The tune job: a grid or seeded random search over training parameters, one partition per trial (and fold). */
@ApplicationScoped
public class TuneJob implements JobDefinition {

    public static final String NAME = "tune";

    /** The most training runs one search may make (trials times folds). */
    static final int MAX_RUNS = 128;

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
        return "Searches training parameters (grid or seeded random), each trial a checkpointed training run scored on"
                + " the validation split or by cross-validation; records every trial's figures and the best"
                + " configuration, which fine-tune and pipeline take as training.config=tune:<execution id>.";
    }

    @Override
    public List<Parameter<?>> parameters() {
        return JobParameters.TUNE;
    }

    @Override
    public List<ParameterError> prepare(Map<String, String> parameters) {
        List<ParameterError> errors = new ArrayList<>();
        FineTuneJob.resolveBaseDirectory(parameters, store);
        ParameterValues values = ParameterValues.of(parameters);
        StudyJobs.check(values, datasets, models, store, JobParameters.TUNE_FOLDS, errors);
        SearchSpace space = SearchSpace.parse(values.get(JobParameters.SEARCH_SPACE));
        for (Parameter<?> p : SearchSpace.SEARCHABLE) {
            if (space.parameterNames().contains(p.name()) && !values.text(p.name()).equals(p.defaultValue())) {
                errors.add(new ParameterError(p.name(), "is varied by search.space; leave it out or take it out of"
                        + " the space"));
            }
        }
        boolean grid = values.get(JobParameters.SEARCH_METHOD).equals("grid");
        if (grid && !space.isGrid()) {
            errors.add(new ParameterError(JobParameters.SEARCH_SPACE.name(), "a grid search needs a list of values"
                    + " for every parameter, not a range"));
            return errors;
        }
        long trials = grid ? space.gridSize() : values.get(JobParameters.TRIALS);
        if (grid && trials > 64) {
            errors.add(new ParameterError(JobParameters.SEARCH_SPACE.name(), "the grid has " + trials
                    + " combinations; at most 64 are searched (use search.method=random with trials)"));
        } else if (trials * Math.max(1, values.get(JobParameters.TUNE_FOLDS)) > MAX_RUNS) {
            errors.add(new ParameterError(JobParameters.TRIALS.name(), trials + " trials of "
                    + values.get(JobParameters.TUNE_FOLDS) + " folds are more than the " + MAX_RUNS
                    + " training runs one search may make"));
        }
        return errors;
    }
}
