package io.tuneledger.launch;

import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.registry.DatasetRegistry;
import io.tuneledger.registry.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The fine-tune job: a registered model version from a dataset version, with a frozen-encoder baseline, test metrics
 * and a quality gate.
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
    public List<ParameterSpec> parameters() {
        List<ParameterSpec> all = new ArrayList<>();
        all.add(ParameterSpec.required("dataset.name", "Dataset to train on", ValueRule.name()));
        all.add(ParameterSpec.optional("dataset.version", "latest", "Dataset version: a number or latest",
                ValueRule.integer(1, Integer.MAX_VALUE).or("latest")));
        all.addAll(trainingParameters());
        return all;
    }

    /** The parameters shared with the pipeline job: everything but the dataset's name and version. */
    static List<ParameterSpec> trainingParameters() {
        TrainingConfig d = TrainingConfig.defaults();
        String builtins = String.join(" | ", Arrays.stream(BaseModel.values()).map(BaseModel::id).toList());
        return List.of(
                ParameterSpec.optional("base.model", BaseModel.ALL_MINILM_L6_V2.id(), "Starting weights: " + builtins
                        + " | a directory holding config.json, model.safetensors and tokenizer.json | name:version"
                        + " of a registered model (incremental training)", ValueRule.anyText()),
                ParameterSpec.required("model.name", "Name of the model; each run registers a version",
                        ValueRule.name()),
                ParameterSpec.optional("train.mode", "full", "full: every weight trains; head: the encoder is frozen",
                        ValueRule.oneOf("full", "head")),
                ParameterSpec.optional("train.epochs", Integer.toString(d.epochs()), "Passes over the train split",
                        ValueRule.integer(1, 100)),
                ParameterSpec.optional("train.batch.size", Integer.toString(d.batchSize()), "Texts per mini-batch",
                        ValueRule.integer(1, 512)),
                ParameterSpec.optional("train.learning.rate", "5e-5", "Peak learning rate of AdamW",
                        ValueRule.decimal(1e-8, 1.0)),
                ParameterSpec.optional("train.weight.decay", "0.01", "AdamW's decoupled weight decay",
                        ValueRule.decimal(0, 1)),
                ParameterSpec.optional("train.warmup.ratio", "0.1", "Share of the steps with linear warm-up",
                        ValueRule.decimal(0, 0.99)),
                ParameterSpec.optional("train.dropout", "0.1", "Dropout rate while training",
                        ValueRule.decimal(0, 0.9)),
                ParameterSpec.optional("train.max.length", Integer.toString(d.maxLength()),
                        "Tokens per text; longer texts are truncated", ValueRule.integer(8, 512)),
                ParameterSpec.optional("train.seed", Long.toString(d.seed()),
                        "Seed of the head's initialisation, the data order and dropout",
                        ValueRule.integer(Long.MIN_VALUE, Long.MAX_VALUE)),
                ParameterSpec.optional("train.grad.clip", "1.0", "Clip gradients to this global norm (0: no clipping)",
                        ValueRule.decimal(0, 1000)),
                ParameterSpec.optional("early.stopping.patience", Integer.toString(d.earlyStoppingPatience()),
                        "Stop after this many epochs without a better validation macro-F1 (0: never)",
                        ValueRule.integer(0, 100)),
                ParameterSpec.optional("checkpoint.every.steps", Integer.toString(d.checkpointEverySteps()),
                        "Training steps per chunk: the training state is saved and checkpointed after each",
                        ValueRule.integer(1, 100_000)),
                ParameterSpec.optional("gate.min.macro.f1", "none",
                        "Lowest test macro-F1 for the model to become a candidate; below it the version is rejected"
                                + " and the job ends with exit status GATE_FAILED", ValueRule.decimal(0, 1).or("none")));
    }

    @Override
    public List<ParameterError> prepare(Map<String, String> parameters) {
        List<ParameterError> errors = new ArrayList<>();
        String name = parameters.get("dataset.name");
        String version = parameters.get("dataset.version");
        boolean found = "latest".equals(version) ? datasets.latest(name).isPresent()
                : datasets.find(name, Integer.parseInt(version)).isPresent();
        if (!found) {
            errors.add(new ParameterError("latest".equals(version) ? "dataset.name" : "dataset.version", "no dataset version " + name + " " + version
                    + " is registered; run prepare-dataset first"));
        }
        checkBaseModel(parameters, models, errors);
        return errors;
    }

    /** The base model must be a shipped one, a model directory, or a registered version that was not rejected. */
    static void checkBaseModel(Map<String, String> parameters, ModelRegistry models, List<ParameterError> errors) {
        String base = parameters.get("base.model");
        if (BaseModel.byId(base).isPresent()) {
            return;
        }
        Path dir;
        try {
            dir = Path.of(base);
        } catch (RuntimeException e) {
            dir = null;
        }
        if (dir != null && dir.isAbsolute() && Files.isDirectory(dir)) {
            for (String file : List.of("config.json", "model.safetensors", "tokenizer.json")) {
                if (!Files.isReadable(dir.resolve(file))) {
                    errors.add(new ParameterError("base.model", "the directory " + dir + " has no " + file));
                }
            }
            return;
        }
        int colon = base.lastIndexOf(':');
        if (colon > 0) {
            String model = base.substring(0, colon);
            String version = base.substring(colon + 1);
            boolean registered;
            if (version.equals("latest")) {
                registered = models.latestUsable(model).isPresent();
            } else {
                try {
                    registered = models.find(model, Integer.parseInt(version)).isPresent();
                } catch (NumberFormatException e) {
                    registered = false;
                }
            }
            if (!registered) {
                errors.add(new ParameterError("base.model", "no registered model version " + base));
            }
            return;
        }
        errors.add(new ParameterError("base.model", "must be one of " + Arrays.stream(BaseModel.values())
                .map(BaseModel::id).toList() + ", an absolute model directory or name:version of a registered model,"
                + " got '" + base + "'"));
    }
}
