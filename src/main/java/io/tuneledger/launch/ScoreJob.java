package io.tuneledger.launch;

import io.tuneledger.batch.JobParameters;
import io.tuneledger.config.Parameter;
import io.tuneledger.config.ParameterValues;
import io.tuneledger.config.VersionRef;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.InputPathException;
import io.tuneledger.ml.TaskType;
import io.tuneledger.registry.ModelDetails;
import io.tuneledger.registry.ModelRegistry;
import io.tuneledger.registry.ModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The score job: per-class probabilities for every record of a file, from a registered model version. */
@ApplicationScoped
public class ScoreJob implements JobDefinition {

    public static final String NAME = "score";

    @Inject
    DataStore store;

    @Inject
    ModelRegistry models;

    @Override
    public String jobName() {
        return NAME;
    }

    @Override
    public String description() {
        return "Scores every record of a JSONL or CSV file with a registered model version, in parallel partitions;"
                + " writes one line per record (id, label, probabilities, model and version), all or nothing.";
    }

    @Override
    public List<Parameter<?>> parameters() {
        return JobParameters.SCORE;
    }

    @Override
    public List<ParameterError> prepare(Map<String, String> parameters) {
        List<ParameterError> errors = new ArrayList<>();
        ParameterValues values = ParameterValues.of(parameters);
        checkModel(models, values, JobParameters.SCORE_MODEL, TaskType.CLASSIFICATION, "scoring", errors);
        prepareFiles(parameters, "", store, errors);
        return errors;
    }

    /**
     * The model to run must be registered, not rejected, and of {@code task} ({@code use} says what needs it, in the
     * message).
     */
    static void checkModel(ModelRegistry models, ParameterValues values, Parameter<String> nameParameter,
            TaskType task, String use, List<ParameterError> errors) {
        String name = values.get(nameParameter);
        VersionRef version = values.get(JobParameters.MODEL_VERSION);
        Optional<ModelVersion> model = models.resolve(name, version);
        if (model.isEmpty()) {
            errors.add(new ParameterError(version instanceof VersionRef.Latest ? nameParameter.name()
                    : JobParameters.MODEL_VERSION.name(), "no usable model version " + name + " " + version
                            + " is registered"));
        } else if (model.get().status() == ModelVersion.Status.REJECTED) {
            errors.add(new ParameterError(JobParameters.MODEL_VERSION.name(), name + " v" + version
                    + " was rejected by the quality gate; use a candidate or promoted version"));
        } else {
            TaskType actual = ModelDetails.of(model.get()).task();
            if (actual != task) {
                errors.add(new ParameterError(nameParameter.name(), name + " v" + model.get().version() + " is a "
                        + actual.id() + " model; " + use + " needs a " + task.id() + " model"
                        + (task == TaskType.RETRIEVAL ? " (fine-tuned on a dataset prepared with task=retrieval)"
                                : actual == TaskType.RETRIEVAL ? " (a retrieval model searches: the search job)"
                                : actual == TaskType.GENERATION ? " (a generation model answers prompts: its"
                                        + " artifact is a Hugging Face model directory to serve)" : "")));
            }
        }
    }

    /** Resolves the input file, completes its format, and checks the output path. */
    static void prepareFiles(Map<String, String> parameters, String prefix, DataStore store,
            List<ParameterError> errors) {
        String inputName = prefix + JobParameters.SCORE_INPUT.name();
        try {
            Path input = store.resolveInput(parameters.get(inputName));
            parameters.put(inputName, input.toString());
            PrepareDatasetJob.completeFormat(parameters, prefix + JobParameters.SCORE_FORMAT.name(), input, errors);
        } catch (InputPathException e) {
            errors.add(new ParameterError(inputName, e.getMessage()));
        }
        checkOutput(parameters, prefix, store, errors);
    }

    /**
     * Checks the output path: a .jsonl file inside the store's outbox/ or a data root; a relative path is completed
     * to the outbox.
     */
    static void checkOutput(Map<String, String> parameters, String prefix, DataStore store,
            List<ParameterError> errors) {
        String outputName = prefix + JobParameters.OUTPUT_PATH.name();
        String output = parameters.get(outputName);
        if (output != null) {
            Path p;
            try {
                p = Path.of(output);
            } catch (RuntimeException e) {
                errors.add(new ParameterError(outputName, "is not a valid path: " + output));
                return;
            }
            Path outbox = store.outbox().toAbsolutePath().normalize();
            Path target = (p.isAbsolute() ? p : outbox.resolve(p)).normalize();
            boolean allowed = target.startsWith(outbox)
                    || store.dataRoots().stream().anyMatch(r -> target.startsWith(r.toAbsolutePath().normalize()));
            if (!allowed || target.equals(outbox) || !target.getFileName().toString().endsWith(".jsonl")) {
                errors.add(new ParameterError(outputName, "must be a .jsonl file inside the store's outbox/ ("
                        + outbox + ") or a data root, got '" + output + "'"));
            } else {
                parameters.put(outputName, target.toString());
            }
        }
    }
}
