package io.tuneledger.launch;

import io.tuneledger.batch.JobParameters;
import io.tuneledger.config.Parameter;
import io.tuneledger.config.ParameterValues;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.DatasetParameters;
import io.tuneledger.ml.TaskType;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.registry.DatasetRegistry;
import io.tuneledger.registry.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The adapt job: domain-adaptive continued pre-training of an encoder on a corpus of the enterprise's unlabelled texts
 * (a dataset version prepared with {@code task=adaptation}), through fine-tune's steps; it registers an adapted model
 * that fine-tune, cross-validate and tune take as {@code base.model=name:version}.
 */
@ApplicationScoped
public class AdaptJob implements JobDefinition {

    public static final String NAME = "adapt";

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
        return "Adapts an encoder to the enterprise's language: masked-language-model training on a corpus of"
                + " unlabelled texts in checkpointed steps, compared with the frozen encoder on the corpus's test"
                + " split, registered as a base model for fine-tuning.";
    }

    @Override
    public List<Parameter<?>> parameters() {
        return JobParameters.ADAPT;
    }

    @Override
    public List<ParameterError> prepare(Map<String, String> parameters) {
        List<ParameterError> errors = new ArrayList<>();
        ParameterValues values = ParameterValues.of(parameters);
        FineTuneJob.registered(values, datasets, "prepare-dataset with task=adaptation", errors).ifPresent(manifest -> {
            if (!TaskType.ADAPTATION.id().equals(manifest.task())) {
                errors.add(new ParameterError(DatasetParameters.DATASET_NAME.name(), manifest.ref() + " is a "
                        + manifest.task() + " dataset; adapt trains on a corpus prepared with task=adaptation"));
            }
        });
        if (!values.get(TrainingParameters.MODE).equals("full")) {
            errors.add(new ParameterError(TrainingParameters.MODE.name(), "must be full for adaptation: the encoder"
                    + " is what adaptation trains"));
        }
        FineTuneJob.checkBaseModel(values, models, store, errors);
        return errors;
    }
}
