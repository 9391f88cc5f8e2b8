package io.tuneledger.batch;

import io.tuneledger.data.CleaningRule;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.TextCleaner;
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
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the steps of a score job instance share: the model version, the output file and the cleaning that the model's
 * training data had, resolved once and pinned in the run directory's {@code score.json} (so a restart scores with the
 * same model even if {@code model.version=latest} moved on). In a pipeline the model is the one this job instance
 * registered.
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

    /** The resolved run: model name, version and directory, output path, cleaning rules. */
    public record Pinned(String modelName, int modelVersion, Path modelDir, Path output, String cleaningRules,
            boolean redactPii) {
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
    public Pinned pin(String modelName, String modelVersion, String outputPath) throws IOException {
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
        if (!Files.exists(pin)) {
            return null;
        }
        JsonObject o = FineTuneRun.readJson(pin);
        return new Pinned(o.getString("model.name"), o.getInt("model.version"), Path.of(o.getString("model.path")),
                Path.of(o.getString("output.path")), o.getString("clean"), o.getBoolean("redact.pii"));
    }

    private Pinned resolve(String modelName, String modelVersion, String outputPath) throws IOException {
        Path pin = dir().resolve(PIN_FILE);
        ModelVersion model = models.byJobInstance(jobContext.getInstanceId()).orElse(null);
        if (model == null) {
            model = ("latest".equals(modelVersion) ? models.latestUsable(modelName)
                    : models.find(modelName, Integer.parseInt(modelVersion)))
                    .orElseThrow(() -> new IllegalStateException("No model version " + modelName + " "
                            + modelVersion));
        }
        DatasetVersion dataset = datasets.find(model.datasetName(), model.datasetVersion()).orElseThrow(
                () -> new IllegalStateException("The dataset the model was trained on is no longer registered"));
        JsonObject cleaning;
        try (var r = Json.createReader(new StringReader(dataset.manifest()))) {
            cleaning = r.readObject().getJsonObject("cleaning");
        }
        Path output = outputPath(outputPath, model);
        Pinned p = new Pinned(model.name(), model.version(), Path.of(model.path()), output,
                cleaning.getString("rules"), cleaning.getBoolean("redactPii"));
        FineTuneRun.writeJson(pin, Json.createObjectBuilder().add("model.name", p.modelName())
                .add("model.version", p.modelVersion()).add("model.path", p.modelDir().toString())
                .add("output.path", p.output().toString()).add("clean", p.cleaningRules())
                .add("redact.pii", p.redactPii()).build());
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

    static TextCleaner cleaner(Pinned p) {
        return new TextCleaner(CleaningRule.parse(p.cleaningRules()));
    }
}
