package io.tuneledger.batch;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.SubjectType;
import io.tuneledger.config.VersionRef;
import io.tuneledger.data.CleaningRule;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.DatasetManifest;
import io.tuneledger.data.JsonFiles;
import io.tuneledger.data.TextCleaner;
import io.tuneledger.ml.ModelEngine;
import io.tuneledger.ml.Quantization;
import io.tuneledger.ml.ScoreEngine;
import io.tuneledger.ml.ScoringExport;
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
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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

    @Inject
    AuditLedger ledger;

    @Inject
    ModelEngine engine;

    /**
     * The resolved run: model name, version, task and directory, output path, cleaning rules, the dataset version the
     * model was trained on (its directory), and how the model runs (engine, length bucketing).
     */
    public record Pinned(String modelName, int modelVersion, TaskType task, Path modelDir, Path output,
            String cleaningRules, boolean redactPii, Path datasetDir, ScoreEngine engine, boolean bucketing) {

        JsonObject toJson() {
            return Json.createObjectBuilder().add("model.name", modelName).add("model.version", modelVersion)
                    .add("task", task.id()).add("model.path", modelDir.toString()).add("output.path", output.toString())
                    .add("clean", cleaningRules).add("redact.pii", redactPii).add("dataset.path", datasetDir.toString())
                    .add(JobParameters.SCORE_ENGINE.name(), engine.id())
                    .add(JobParameters.SCORE_BUCKETING.name(), bucketing).build();
        }

        /**
         * Reads a pin; one written before models recorded their task is a classification model, one written before
         * score engines ran on PyTorch with bucketing.
         */
        static Pinned fromJson(JsonObject o) {
            return new Pinned(o.getString("model.name"), o.getInt("model.version"),
                    TaskType.byId(o.getString("task", TaskType.CLASSIFICATION.id())).orElseThrow(),
                    Path.of(o.getString("model.path")), Path.of(o.getString("output.path")), o.getString("clean"),
                    o.getBoolean("redact.pii"), Path.of(o.getString("dataset.path", "")),
                    ScoreEngine.byId(o.getString(JobParameters.SCORE_ENGINE.name(), ScoreEngine.PYTORCH.id()))
                            .orElseThrow(),
                    o.getBoolean(JobParameters.SCORE_BUCKETING.name(), true));
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
    public Pinned pin(String modelName, VersionRef modelVersion, String outputPath, ScoreEngine engine,
            boolean bucketing, double maxQuantizationDrop) throws IOException {
        synchronized (PIN_LOCK) {
            Pinned existing = read();
            return existing != null ? existing
                    : resolve(modelName, modelVersion, outputPath, engine, bucketing, maxQuantizationDrop);
        }
    }

    /** Pins a run on the model core (search embeds with it). */
    public Pinned pin(String modelName, VersionRef modelVersion, String outputPath) throws IOException {
        return pin(modelName, modelVersion, outputPath, ScoreEngine.PYTORCH, true, 1);
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

    private Pinned resolve(String modelName, VersionRef modelVersion, String outputPath, ScoreEngine engine,
            boolean bucketing, double maxQuantizationDrop) throws IOException {
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
                cleaning.rules(), cleaning.redactPii(), Path.of(dataset.path()), engine, bucketing);
        prepareEngine(p, maxQuantizationDrop);
        JsonFiles.writeAtomically(dir().resolve(PIN_FILE), p.toJson());
        return p;
    }

    /**
     * Makes the ONNX export the engine runs (once per model version: later runs find it) and records it in the
     * ledger; for int8, measures it against fp32 on the test split of the model's dataset and refuses it when it loses
     * more than {@code maxDrop} accuracy. Runs before the pin is written, so a refused run pins nothing.
     */
    private void prepareEngine(Pinned p, double maxDrop) throws IOException {
        if (p.engine() == ScoreEngine.PYTORCH) {
            return;
        }
        ScoringExport export = engine.task(p.task()).prepareScoring(p.modelDir(), p.engine(), p.datasetDir());
        JsonObjectBuilder details = Json.createObjectBuilder().add("engine", p.engine().id())
                .add("jobInstanceId", jobContext.getInstanceId()).add("jobExecutionId", jobContext.getExecutionId())
                .add("file", p.modelDir().relativize(export.file()).toString()).add("sha256", export.sha256());
        Quantization q = export.quantization();
        if (q != null) {
            details.add("quantization", q.toJson()).add("maxDrop", maxDrop);
        }
        Optional<String> refusal = q == null ? Optional.empty()
                : q.refusal(p.modelName() + " v" + p.modelVersion(), maxDrop);
        details.add("accepted", refusal.isEmpty());
        ledger.append(AuditLedger.SYSTEM, AuditAction.MODEL_EXPORTED, SubjectType.MODEL,
                SubjectType.version(p.modelName(), p.modelVersion()), details.build());
        if (refusal.isPresent()) {
            throw new IllegalStateException(refusal.get());
        }
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
