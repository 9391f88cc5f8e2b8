package io.tuneledger.launch;

import io.tuneledger.batch.JobParameters;
import io.tuneledger.config.Parameter;
import io.tuneledger.config.ParameterValues;
import io.tuneledger.config.VersionRef;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.DatasetManifest;
import io.tuneledger.data.DatasetParameters;
import io.tuneledger.data.InputPathException;
import io.tuneledger.ml.BaseModelRef;
import io.tuneledger.ml.TaskType;
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

    @Inject
    DataStore store;

    @Inject
    ExecutionQueries executions;

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
        resolveBaseDirectory(parameters, store);
        ParameterValues values = ParameterValues.of(parameters);
        checkStart(values, checkDataset(values, datasets, errors), models, store, errors);
        StudyConfigs.apply(parameters, executions, errors);
        return errors;
    }

    /**
     * The dataset version to train on must be registered, and the task parameters must fit its task; answers its
     * manifest when it is.
     */
    static java.util.Optional<DatasetManifest> checkDataset(ParameterValues values, DatasetRegistry datasets,
            List<ParameterError> errors) {
        var registered = registered(values, datasets, "prepare-dataset", errors);
        if (registered.isEmpty()) {
            return registered;
        }
        DatasetManifest manifest = registered.get();
        if (TaskType.ADAPTATION.id().equals(manifest.task())) {
            errors.add(new ParameterError(DatasetParameters.DATASET_NAME.name(), manifest.ref() + " is a corpus of"
                    + " unlabelled texts (task=adaptation): the adapt job trains on it; this job needs a dataset"
                    + " prepared with task=classification, retrieval or generation"));
            return java.util.Optional.empty();
        }
        TaskType.byId(manifest.task()).ifPresent(task -> checkTaskParameters(task, values, errors));
        return java.util.Optional.of(manifest);
    }

    /**
     * The manifest of the dataset version that {@code dataset.name} and {@code dataset.version} name; a 400 saying to
     * run {@code prepare} first when none is registered.
     */
    static java.util.Optional<DatasetManifest> registered(ParameterValues values, DatasetRegistry datasets,
            String prepare, List<ParameterError> errors) {
        String name = values.get(DatasetParameters.DATASET_NAME);
        VersionRef version = values.get(JobParameters.DATASET_VERSION);
        var dataset = datasets.resolve(name, version);
        if (dataset.isEmpty()) {
            errors.add(new ParameterError(version instanceof VersionRef.Latest ? DatasetParameters.DATASET_NAME.name()
                    : JobParameters.DATASET_VERSION.name(), "no dataset version " + name + " " + version
                            + " is registered; run " + prepare + " first"));
        }
        return dataset.map(d -> DatasetManifest.parse(d.manifest()));
    }

    /**
     * The parameters of the other task are refused when they ask for something ({@code gate.min.mrr} on a
     * classification dataset, say), and so is a frozen encoder for retrieval, which has no head to train.
     */
    static void checkTaskParameters(TaskType task, ParameterValues values, List<ParameterError> errors) {
        List<Parameter<?>> foreign = new ArrayList<>();
        if (task != TaskType.GENERATION) {
            foreign.add(TrainingParameters.GATE_MIN_TOKEN_F1);
            foreign.addAll(TrainingParameters.GENERATION);
        }
        if (task == TaskType.RETRIEVAL) {
            foreign.add(TrainingParameters.GATE_MIN_MACRO_F1);
            foreign.add(TrainingParameters.CLASS_WEIGHTS);
            if (!values.get(TrainingParameters.MODE).equals("full")) {
                errors.add(new ParameterError(TrainingParameters.MODE.name(), "must be full for a retrieval dataset:"
                        + " the encoder is what a retrieval model trains"));
            }
        } else if (task == TaskType.GENERATION) {
            foreign.add(TrainingParameters.GATE_MIN_MACRO_F1);
            foreign.add(TrainingParameters.CLASS_WEIGHTS);
            foreign.add(TrainingParameters.GATE_MIN_MRR);
            foreign.addAll(TrainingParameters.RETRIEVAL);
            if (values.get(TrainingParameters.MODE).equals("head")) {
                errors.add(new ParameterError(TrainingParameters.MODE.name(), "must be lora or full for a generation"
                        + " dataset: a decoder has no head of its own to train alone"));
            }
        } else {
            foreign.add(TrainingParameters.GATE_MIN_MRR);
            foreign.addAll(TrainingParameters.RETRIEVAL);
        }
        if (values.get(TrainingParameters.MODE).equals("lora")) {
            List<String> fitting = task == TaskType.GENERATION ? java.util.stream.Stream.concat(
                    java.util.stream.Stream.of("query", "key", "value"),
                    TrainingParameters.DECODER_LORA_LAYERS.stream()).toList() : TrainingParameters.LORA_LAYERS;
            for (String target : values.get(TrainingParameters.LORA_TARGETS)) {
                if (!fitting.contains(target)) {
                    errors.add(new ParameterError(TrainingParameters.LORA_TARGETS.name(), "names '" + target
                            + "', which a " + (task == TaskType.GENERATION ? "decoder" : "BERT encoder")
                            + " layer does not have; for a " + task.id() + " dataset use " + String.join(", ",
                            fitting)));
                }
            }
        }
        if (!values.get(TrainingParameters.MODE).equals("lora")) {
            for (Parameter<?> p : TrainingParameters.LORA) {
                String given = values.text(p.name());
                if (given != null && !java.util.Objects.equals(p.parse(given), p.defaultParsed())) {
                    errors.add(new ParameterError(p.name(), "applies to train.mode=lora; train.mode is "
                            + values.get(TrainingParameters.MODE)));
                }
            }
        }
        for (Parameter<?> p : foreign) {
            String given = values.text(p.name());
            if (given != null && !java.util.Objects.equals(p.parse(given), p.defaultParsed())) {
                errors.add(new ParameterError(p.name(), "applies to " + ownTask(p).id() + " datasets; this dataset is"
                        + " for " + task.id()));
            }
        }
    }

    /**
     * A {@code base.model} directory given relative to a data root is replaced by the real path it resolves to, which
     * the job then records; one that does not resolve is left for the checks to report.
     */
    static void resolveBaseDirectory(Map<String, String> parameters, DataStore store) {
        String given = parameters.get(TrainingParameters.BASE_MODEL.name());
        if (given == null) {
            return;
        }
        try {
            if (BaseModelRef.parse(given) instanceof BaseModelRef.Directory d && !d.path().isAbsolute()) {
                parameters.put(TrainingParameters.BASE_MODEL.name(), store.resolveInputOrDirectory(given).toString());
            }
        } catch (IllegalArgumentException | InputPathException e) {
            // reported by the checks, naming the parameter
        }
    }

    /** The task a task-specific parameter belongs to. */
    private static TaskType ownTask(Parameter<?> p) {
        if (p == TrainingParameters.GATE_MIN_MRR || TrainingParameters.RETRIEVAL.contains(p)) {
            return TaskType.RETRIEVAL;
        }
        if (p == TrainingParameters.GATE_MIN_TOKEN_F1 || TrainingParameters.GENERATION.contains(p)) {
            return TaskType.GENERATION;
        }
        return TaskType.CLASSIFICATION;
    }

    /**
     * The starting weights for a dataset of {@code manifest}'s task: a decoder directory for generation, otherwise
     * what {@link #checkBaseModel} accepts.
     */
    static void checkStart(ParameterValues values, java.util.Optional<DatasetManifest> manifest, ModelRegistry models,
            DataStore store, List<ParameterError> errors) {
        if (manifest.isPresent() && TaskType.GENERATION.id().equals(manifest.get().task())) {
            checkDecoder(values, store, errors);
        } else {
            checkBaseModel(values, models, store, errors);
        }
    }

    /**
     * A generation dataset trains a decoder the enterprise brings: {@code base.model} must be its directory inside
     * the data roots, with a config.json of a supported architecture, tokenizer.json, and safetensors weights whose
     * names and shapes fit the config (read from the files' headers only).
     */
    static void checkDecoder(ParameterValues values, DataStore store, List<ParameterError> errors) {
        String name = TrainingParameters.BASE_MODEL.name();
        String given = values.get(TrainingParameters.BASE_MODEL);
        if (!(BaseModelRef.parse(given) instanceof BaseModelRef.Directory d)) {
            errors.add(new ParameterError(name, "must be the directory of the decoder model you bring (absolute, or"
                    + " relative to a data root; config.json, model.safetensors or its shards, tokenizer.json) for a"
                    + " generation dataset, not " + given));
            return;
        }
        Path dir = directory(d, store, errors);
        if (dir == null) {
            return;
        }
        if (!Files.isReadable(dir.resolve("tokenizer.json"))) {
            errors.add(new ParameterError(name, "the directory " + dir + " has no tokenizer.json"));
        }
        if (!Files.isReadable(dir.resolve(io.tuneledger.ml.weights.DecoderWeights.CONFIG))) {
            errors.add(new ParameterError(name, "the directory " + dir + " has no config.json"));
            return;
        }
        try {
            var config = io.tuneledger.ml.DecoderConfig.read(dir.resolve(
                    io.tuneledger.ml.weights.DecoderWeights.CONFIG));
            io.tuneledger.ml.weights.DecoderWeights.check(dir, config);
        } catch (java.io.IOException | RuntimeException e) {
            errors.add(new ParameterError(name, e.getMessage()));
        }
    }

    /** A base.model directory resolved inside the data roots (its real path), or null with the error added. */
    private static Path directory(BaseModelRef.Directory d, DataStore store, List<ParameterError> errors) {
        String name = TrainingParameters.BASE_MODEL.name();
        Path dir;
        try {
            dir = store.resolveInputOrDirectory(d.path().toString());
        } catch (InputPathException e) {
            errors.add(new ParameterError(name, e.getMessage()));
            return null;
        }
        if (!Files.isDirectory(dir)) {
            errors.add(new ParameterError(name, "is not a directory: " + dir));
            return null;
        }
        return dir;
    }

    /**
     * The base model must be a shipped one, a model directory inside the data roots (like any input: its real path,
     * links followed), or a registered version that was not rejected.
     */
    static void checkBaseModel(ParameterValues values, ModelRegistry models, DataStore store,
            List<ParameterError> errors) {
        String name = TrainingParameters.BASE_MODEL.name();
        BaseModelRef ref = BaseModelRef.parse(values.get(TrainingParameters.BASE_MODEL));
        if (ref instanceof BaseModelRef.Directory d) {
            Path dir = directory(d, store, errors);
            if (dir == null) {
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
