package io.tuneledger.launch;

import io.tuneledger.config.Parameter;
import io.tuneledger.config.ParameterValues;
import io.tuneledger.data.DataStore;
import io.tuneledger.registry.DatasetRegistry;
import io.tuneledger.registry.ModelRegistry;
import java.util.List;
import java.util.Optional;

/**
 * The checks the study jobs (cross-validate, tune) share with fine-tune: the dataset version exists, the task's
 * parameters fit it, the base model resolves, and the folds fit the records its train and validation splits hold.
 */
final class StudyJobs {

    private StudyJobs() {
    }

    static void check(ParameterValues values, DatasetRegistry datasets, ModelRegistry models, DataStore store,
            Parameter<Integer> folds, List<ParameterError> errors) {
        var dataset = FineTuneJob.checkDataset(values, datasets, errors);
        dataset.ifPresent(manifest -> {
            int k = values.get(folds);
            if (k == 1) {
                errors.add(new ParameterError(folds.name(), "must be 0 (no cross-validation) or at least 2"));
            } else if (k > 1) {
                var splits = manifest.statistics().splits();
                long pool = Optional.ofNullable(splits.get("train")).map(s -> s.records()).orElse(0L)
                        + Optional.ofNullable(splits.get("validation")).map(s -> s.records()).orElse(0L);
                if (pool < 2L * k) {
                    errors.add(new ParameterError(folds.name(), k + " folds need at least " + 2 * k + " records in the"
                            + " train and validation splits of " + manifest.ref() + ", which hold " + pool));
                }
            }
        });
        FineTuneJob.checkStart(values, dataset, models, store, errors);
    }
}
