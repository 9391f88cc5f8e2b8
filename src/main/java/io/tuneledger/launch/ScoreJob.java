package io.tuneledger.launch;

import io.tuneledger.data.DataStore;
import io.tuneledger.data.InputPathException;
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
    public List<ParameterSpec> parameters() {
        List<ParameterSpec> all = new ArrayList<>();
        all.add(ParameterSpec.required("model.name", "Registered model to score with", ValueRule.name()));
        all.add(ParameterSpec.optional("model.version", "latest",
                "Model version: a number, or latest (the newest not rejected)",
                ValueRule.integer(1, Integer.MAX_VALUE).or("latest")));
        all.addAll(scoreParameters(""));
        return all;
    }

    /** The input, output and partitioning parameters, with a prefix ({@code score.} in the pipeline job). */
    static List<ParameterSpec> scoreParameters(String prefix) {
        return List.of(
                prefix.isEmpty()
                        ? ParameterSpec.required("input.path", "File to score: absolute, or relative to a data root",
                                ValueRule.anyText())
                        : ParameterSpec.optional(prefix + "input.path", null, "File to score after training (absolute,"
                                + " or relative to a data root); no scoring when absent", ValueRule.anyText()),
                ParameterSpec.optional(prefix + "input.format", null, "jsonl or csv; default from the file extension",
                        ValueRule.oneOf("jsonl", "csv")),
                ParameterSpec.optional(prefix + "id.field", "id", "Field holding the record id", ValueRule.fieldName()),
                ParameterSpec.optional(prefix + "text.field", "text", "Field holding the text", ValueRule.fieldName()),
                ParameterSpec.optional(prefix + "output.path", null, "Predictions file (JSONL), relative to the store's"
                        + " outbox/ or absolute inside outbox/ or a data root; default outbox/<model>-v<N>-<job"
                        + " instance>.jsonl. An existing file is replaced", ValueRule.anyText()),
                ParameterSpec.optional("score.partitions", "2", "Partitions scored in parallel",
                        ValueRule.integer(1, 16)),
                ParameterSpec.optional("score.batch.size", "64",
                        "Records per inference batch; a checkpoint after each", ValueRule.integer(1, 4096)));
    }

    @Override
    public List<ParameterError> prepare(Map<String, String> parameters) {
        List<ParameterError> errors = new ArrayList<>();
        String name = parameters.get("model.name");
        String version = parameters.get("model.version");
        Optional<ModelVersion> model = "latest".equals(version) ? models.latestUsable(name)
                : models.find(name, Integer.parseInt(version));
        if (model.isEmpty()) {
            errors.add(new ParameterError("latest".equals(version) ? "model.name" : "model.version",
                    "no usable model version " + name + " " + version + " is registered"));
        } else if (model.get().status() == ModelVersion.Status.REJECTED) {
            errors.add(new ParameterError("model.version", name + " v" + version
                    + " was rejected by the quality gate; score with a candidate or promoted version"));
        }
        prepareFiles(parameters, "", store, errors);
        return errors;
    }

    /** Resolves the input file, completes its format, and checks the output path. */
    static void prepareFiles(Map<String, String> parameters, String prefix, DataStore store,
            List<ParameterError> errors) {
        String inputName = prefix + "input.path";
        try {
            Path input = store.resolveInput(parameters.get(inputName));
            parameters.put(inputName, input.toString());
            PrepareDatasetJob.completeFormat(parameters, prefix + "input.format", input, errors);
        } catch (InputPathException e) {
            errors.add(new ParameterError(inputName, e.getMessage()));
        }
        String outputName = prefix + "output.path";
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
