package io.tuneledger.launch;

import io.tuneledger.batch.JobParameters;
import io.tuneledger.config.Parameter;
import io.tuneledger.config.ParameterValues;
import io.tuneledger.config.VersionRef;
import io.tuneledger.data.DatasetParameters;
import io.tuneledger.ml.BaseModelRef;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.registry.DatasetRegistry;
import io.tuneledger.registry.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fine-tune job: a registered model version from a dataset version, with a baseline, test metrics and a quality
 * gate.
 */
@ApplicationScoped
public class FineTuneJob implements JobDefinition {

    public static final String NAME = "fine-tune";

    @Inject
    DatasetRegistry datasets;

    @Inject
    ModelRegistry models;

    @Override
    public String jobName() {
        return NAME;
    }

    @Override
    public String description() {
        return "Fine-tunes a base model on a dataset version in checkpointed steps, compares it with a frozen-encoder"
                + " baseline on the test split, applies the quality gate and registers the model version.";
    }

    @Override
    public List<Parameter<?>> parameters() {
        return JobParameters.FINE_TUNE;
    }

    @Override
    public List<ParameterError> prepare(Map<String, String> parameters) {
        List<ParameterError> errors = new ArrayList<>();
        ParameterValues values = ParameterValues.of(parameters);
        String name = values.get(DatasetParameters.DATASET_NAME);
        VersionRef version = values.get(JobParameters.DATASET_VERSION);
        if (datasets.resolve(name, version).isEmpty()) {
            errors.add(new ParameterError(version instanceof VersionRef.Latest ? DatasetParameters.DATASET_NAME.name()
                    : JobParameters.DATASET_VERSION.name(), "no dataset version " + name + " " + version
                            + " is registered; run prepare-dataset first"));
        }
        checkBaseModel(values, models, errors);
        return errors;
    }

    /** The base model must be a shipped one, a model directory, or a registered version that was not rejected. */
    static void checkBaseModel(ParameterValues values, ModelRegistry models, List<ParameterError> errors) {
        String name = TrainingParameters.BASE_MODEL.name();
        BaseModelRef ref = BaseModelRef.parse(values.get(TrainingParameters.BASE_MODEL));
        if (ref instanceof BaseModelRef.Directory d) {
            Path dir = d.path();
            if (!Files.isDirectory(dir)) {
                errors.add(new ParameterError(name, "the directory " + dir + " does not exist"));
                return;
            }
            for (String file : List.of("config.json", "model.safetensors", "tokenizer.json")) {
                if (!Files.isReadable(dir.resolve(file))) {
                    errors.add(new ParameterError(name, "the directory " + dir + " has no " + file));
                }
            }
        } else if (ref instanceof BaseModelRef.Registered r
                && models.resolve(r.model().name(), r.model().version()).isEmpty()) {
            errors.add(new ParameterError(name, "no registered model version " + r.model()));
        }
    }
}
