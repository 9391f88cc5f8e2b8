package io.tuneledger.batch;

import io.tuneledger.config.VersionRef;
import io.tuneledger.data.CleaningRule;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.DatasetManifest;
import io.tuneledger.data.JsonFiles;
import io.tuneledger.data.TextCleaner;
import io.tuneledger.ml.TaskType;
import io.tuneledger.registry.DatasetRegistry;
import io.tuneledger.registry.DatasetVersion;
import io.tuneledger.registry.ModelRegistry;
import io.tuneledger.registry.ModelVersion;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the steps of a score job instance share: the model version, its task, the output file and the cleaning that
 * the model's training data had, resolved once and pinned in the run directory's {@code score.json} (so a restart
 * scores with the same model even if {@code model.version=latest} moved on). In a pipeline the model is the one this
 * job instance registered.
 */
@Dependent
public class ScoreRun {

    static final String PIN_FILE = "score.json";

    @Inject
    JobContext jobContext;

    @Inject
    DataStore store;

    @Inject
    ModelRegistry models;

    @Inject
    DatasetRegistry datasets;

    /** The resolved run: model name, version, task and directory, output path, cleaning rules. */
    public record Pinned(String modelName, int modelVersion, TaskType task, Path modelDir, Path output,
            String cleaningRules, boolean redactPii) {

        JsonObject toJson() {
            return Json.createObjectBuilder().add("model.name", modelName).add("model.version", modelVersion)
                    .add("task", task.id()).add("model.path", modelDir.toString()).add("output.path", output.toString())
                    .add("clean", cleaningRules).add("redact.pii", redactPii).build();
        }

        /** Reads a pin; one written before models recorded their task is a classification model. */
        static Pinned fromJson(JsonObject o) {
            return new Pinned(o.getString("model.name"), o.getInt("model.version"),
                    TaskType.byId(o.getString("task", TaskType.CLASSIFICATION.id())).orElseThrow(),
                    Path.of(o.getString("model.path")), Path.of(o.getString("output.path")), o.getString("clean"),
                    o.getBoolean("redact.pii"));
        }

        TextCleaner cleaner() {
            return new TextCleaner(CleaningRule.parse(cleaningRules));
        }
    }

    public Path dir() throws IOException {
        Path dir = store.runDir(jobContext.getInstanceId()).resolve("score");
        Files.createDirectories(dir);
        return dir;
    }

    /** Serialises pinning across the partitions of all score jobs (the pin is written once per job instance). */
    private static final Object PIN_LOCK = new Object();

    /**
     * Resolves and pins the run at first use (the partition mapper, before any partition starts); on a restart it
     * reads the pin.
     */
    public Pinned pin(String modelName, VersionRef modelVersion, String outputPath) throws IOException {
        synchronized (PIN_LOCK) {
            Pinned existing = read();
            return existing != null ? existing : resolve(modelName, modelVersion, outputPath);
        }
    }

    /** The pinned run, for the steps after the mapper. */
    public Pinned pinned() throws IOException {
        Pinned p = read();
        if (p == null) {
            throw new IllegalStateException("The score run of job instance " + jobContext.getInstanceId()
                    + " was not resolved before its partitions started");
        }
        return p;
    }

    private Pinned read() throws IOException {
        Path pin = dir().resolve(PIN_FILE);
        return Files.exists(pin) ? Pinned.fromJson(JsonFiles.read(pin)) : null;
    }

    private Pinned resolve(String modelName, VersionRef modelVersion, String outputPath) throws IOException {
        ModelVersion model = models.byJobInstance(jobContext.getInstanceId()).orElse(null);
        if (model == null) {
            model = models.resolve(modelName, modelVersion).orElseThrow(() -> new IllegalStateException(
                    "No model version " + modelName + " " + modelVersion));
        }
        DatasetVersion dataset = datasets.find(model.datasetName(), model.datasetVersion()).orElseThrow(
                () -> new IllegalStateException("The dataset the model was trained on is no longer registered"));
        DatasetManifest.Cleaning cleaning = DatasetManifest.parse(dataset.manifest()).cleaning();
        JsonObject provenance = JsonFiles.read(Path.of(model.path()).resolve("provenance.json"));
        TaskType task = TaskType.byId(provenance.getString("task", TaskType.CLASSIFICATION.id())).orElseThrow();
        Pinned p = new Pinned(model.name(), model.version(), task, Path.of(model.path()), outputPath(outputPath, model),
                cleaning.rules(), cleaning.redactPii());
        JsonFiles.writeAtomically(dir().resolve(PIN_FILE), p.toJson());
        return p;
    }

    /** The output file: as given (checked by the launcher), or {@code outbox/<model>-v<N>-<instance>.jsonl}. */
    private Path outputPath(String given, ModelVersion model) {
        if (given != null && !given.isBlank()) {
            Path p = Path.of(given);
            return p.isAbsolute() ? p : store.outbox().resolve(p);
        }
        return store.outbox().resolve(model.name() + "-v" + model.version() + "-" + jobContext.getInstanceId()
                + ".jsonl");
    }
}
