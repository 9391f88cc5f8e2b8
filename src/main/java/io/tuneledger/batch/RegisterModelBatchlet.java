package io.tuneledger.batch;

import io.tuneledger.config.LogId;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.VersionDirectories;
import io.tuneledger.ml.Evaluation;
import io.tuneledger.ml.GateDecision;
import io.tuneledger.ml.ModelEngine;
import io.tuneledger.ml.Provenance;
import io.tuneledger.ml.TaskRun;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.registry.DatasetVersion;
import io.tuneledger.registry.ModelRecords;
import io.tuneledger.registry.ModelRegistry;
import io.tuneledger.registry.ModelVersion;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * Exports the fine-tuned model (best epoch) in its task's artifact layout with its provenance
 * ({@link ModelRecords}), moves it to {@code models/<name>/v<N>} and registers the version, as candidate, or rejected
 * when the quality gate failed (the job then ends with exit status GATE_FAILED). Safe to re-run after a crash: a
 * version already registered by this job instance is not registered again, and a directory left by a crash between
 * the move and the commit is reclaimed ({@link VersionDirectories}).
 */
@Named
@Dependent
public class RegisterModelBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(RegisterModelBatchlet.class.getName());

    @Inject
    JobContext jobContext;

    @Inject
    StepContext stepContext;

    @Inject
    FineTuneRun run;

    @Inject
    DataStore store;

    @Inject
    ModelRegistry models;

    @Inject
    ModelEngine engine;

    @Override
    public String process() throws Exception {
        long instance = jobContext.getInstanceId();
        String modelName = run.parameters().get(TrainingParameters.MODEL_NAME);
        var existing = models.byJobInstance(instance);
        if (existing.isPresent()) {
            LOG.info(() -> LogId.MODEL_ALREADY_REGISTERED + " Model " + existing.get().ref()
                    + " was registered by this job before the restart");
            return exitStatus(existing.get());
        }
        Path dir = run.dir();
        Evaluation evaluation = run.evaluation();
        GateDecision gate = run.gate();
        DatasetVersion dataset = run.dataset();
        ModelRecords.Job job = new ModelRecords.Job(jobContext.getJobName(), instance, jobContext.getExecutionId());
        Path artifact = dir.resolve("artifact");
        VersionDirectories.deleteTree(artifact);
        Provenance provenance;
        String weightsSha;
        try (TaskRun task = run.open()) {
            task.loadWeights(dir.resolve(FineTuneRun.TRAIN_DIR).resolve(evaluation.training().bestWeights()));
            provenance = Provenance.now(run.task().type(), task.baseDescription(), task.baseSha256(), dataset.ref(),
                    run.config(), task.labels(), evaluation.validation(), engine.versions());
            var record = ModelRecords.provenance(provenance, dataset, evaluation, gate, job);
            var origin = run.configOrigin();
            if (origin.isPresent()) {
                record = jakarta.json.Json.createObjectBuilder(record).add("configuration", origin.get()).build();
            }
            var base = run.baseOrigin();
            if (base.isPresent()) {
                record = jakarta.json.Json.createObjectBuilder(record).add("baseModelOrigin", base.get()).build();
            }
            var distillation = run.distillation();
            if (distillation.isPresent()) {
                record = jakarta.json.Json.createObjectBuilder(record).add("distillation", distillation.get()).build();
            }
            weightsSha = task.export(artifact, record);
        }
        String sha = weightsSha;
        ModelVersion registered = models.register(modelName, version -> {
            Path target = store.modelsDir().resolve(modelName).resolve("v" + version);
            try {
                VersionDirectories.moveIntoPlace(artifact, target, Provenance.FILE, instance);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return ModelRecords.entity(modelName, version, provenance, dataset, evaluation, gate,
                    run.parameters().asMap(), sha, target, job);
        });
        removeTrainingStates(dir);
        LOG.info(() -> LogId.MODEL_REGISTERED + " Registered model " + registered.ref() + " ("
                + registered.status().name().toLowerCase() + "), weights SHA-256 " + sha);
        return exitStatus(registered);
    }

    /**
     * The training states (hundreds of MB each) are of no use once the version is registered: the artifact holds the
     * weights, the run directory keeps the curves, the evaluation and the gate decision.
     */
    private static void removeTrainingStates(Path dir) throws IOException {
        for (Path sub : List.of(dir.resolve(FineTuneRun.TRAIN_DIR), dir.resolve(FineTuneRun.BASELINE_DIR))) {
            if (!Files.isDirectory(sub)) {
                continue;
            }
            try (var files = Files.newDirectoryStream(sub, "*.safetensors")) {
                for (Path f : files) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private String exitStatus(ModelVersion v) {
        String status = v.status() == ModelVersion.Status.REJECTED ? GateDecision.Outcome.GATE_FAILED.name()
                : "COMPLETED";
        stepContext.setExitStatus(status);
        return status;
    }
}
