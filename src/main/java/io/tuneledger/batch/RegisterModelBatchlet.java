package io.tuneledger.batch;

import ai.djl.engine.Engine;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.data.DataStore;
import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.Provenance;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.djl.ModelArtifact;
import io.tuneledger.registry.ModelRegistry;
import io.tuneledger.registry.ModelVersion;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Saves the fine-tuned model (best epoch) as an artifact directory, moves it to {@code models/<name>/v<N>} and
 * registers the version, with status candidate, or rejected when the quality gate failed; the job then ends with exit
 * status GATE_FAILED. Safe to re-run after a crash: a version already registered by this job instance is not
 * registered again, and a directory left by a crash between the move and the commit is reclaimed.
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
    AuditLedger ledger;

    @Override
    public String process() throws Exception {
        long instance = jobContext.getInstanceId();
        String modelName = run.parameter("model.name", null);
        var existing = models.byJobInstance(instance);
        if (existing.isPresent()) {
            LOG.info(() -> "TUNE0340 Model " + modelName + " v" + existing.get().version()
                    + " was registered by this job before the restart");
            return exitStatus(existing.get());
        }
        Path dir = run.dir();
        JsonObject evaluation = FineTuneRun.readJson(dir.resolve(FineTuneRun.EVALUATION_FILE));
        JsonObject gate = FineTuneRun.readJson(dir.resolve(FineTuneRun.GATE_FILE));
        boolean rejected = gate.getString("decision").equals(GateBatchlet.GATE_FAILED);
        TrainingConfig config = run.config();
        Path artifact = dir.resolve("artifact");
        RegisterDatasetBatchlet.deleteTree(artifact);
        String datasetRef;
        String baseModel;
        String baseSha;
        int datasetVersion;
        String datasetName;
        String datasetSha;
        List<String> labels;
        Path best = dir.resolve("train").resolve(evaluation.getJsonObject("training").getString("bestWeights"));
        try (TrainingRun tuned = TrainingRun.withWeights(run, config, best)) {
            datasetName = tuned.dataset.name();
            datasetVersion = tuned.dataset.version();
            datasetSha = tuned.dataset.contentSha256();
            datasetRef = datasetName + " v" + datasetVersion;
            baseModel = tuned.baseDescription;
            baseSha = tuned.baseSha256;
            labels = tuned.labels;
            Engine engine = Engine.getEngine("PyTorch");
            Provenance provenance = new Provenance(baseModel, baseSha, datasetRef, config, labels,
                    ClassificationMetrics.fromJson(evaluation.getJsonObject("validation")), Engine.getDjlVersion(),
                    engine.getVersion(), Runtime.version().toString(),
                    System.getProperty("os.name") + " " + System.getProperty("os.arch"), Instant.now());
            JsonObjectBuilder b = Json.createObjectBuilder(provenance.toJson())
                    .add("dataset", Json.createObjectBuilder().add("name", datasetName).add("version", datasetVersion)
                            .add("contentSha256", datasetSha))
                    .add("evaluation", evaluation)
                    .add("gate", gate)
                    .add("job", Json.createObjectBuilder().add("instanceId", instance)
                            .add("executionId", jobContext.getExecutionId()).add("jobName", jobContext.getJobName()));
            ModelArtifact.save(artifact, tuned.model, labels, tuned.tokenizerJson, b.build());
        }
        String weightsSha = ModelArtifact.sha256(artifact.resolve(ModelArtifact.WEIGHTS));
        double testF1 = evaluation.getJsonObject("test").getJsonNumber("macroF1").doubleValue();
        JsonObject details = Json.createObjectBuilder()
                .add("parameters", Json.createObjectBuilder((Map) run.parameters()))
                .add("labels", Json.createArrayBuilder(labels))
                .add("evaluation", evaluation)
                .add("gate", gate)
                .build();
        ModelVersion registered = models.register(modelName, version -> {
            Path target = store.modelsDir().resolve(modelName).resolve("v" + version);
            try {
                if (Files.exists(target)) {
                    reclaimOrphan(target, instance);
                }
                Files.createDirectories(target.getParent());
                RegisterDatasetBatchlet.makeReadOnly(artifact);
                Files.move(artifact, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ledger.append(AuditLedger.SYSTEM, rejected ? "model.rejected" : "model.registered", "model",
                    modelName + " v" + version, Json.createObjectBuilder().add("weightsSha256", weightsSha)
                            .add("baseModel", baseModel).add("baseModelSha256", baseSha)
                            .add("dataset", datasetName + " v" + datasetVersion).add("datasetSha256", datasetSha)
                            .add("testMacroF1", testF1).add("gate", gate)
                            .add("jobExecutionId", jobContext.getExecutionId()).build());
            return new ModelVersion(modelName, version, baseModel, baseSha, datasetName, datasetVersion, datasetSha,
                    rejected ? ModelVersion.Status.REJECTED : ModelVersion.Status.CANDIDATE, testF1, weightsSha,
                    target.toString(), instance, jobContext.getExecutionId(), Instant.now(), details.toString());
        });
        removeTrainingStates(dir);
        LOG.info(() -> "TUNE0341 Registered model " + modelName + " v" + registered.version() + " ("
                + registered.status().name().toLowerCase() + "), weights SHA-256 " + weightsSha);
        return exitStatus(registered);
    }

    /**
     * The training states (hundreds of MB each) are of no use once the version is registered: the artifact holds the
     * weights, the run directory keeps the curves, the evaluation and the gate decision.
     */
    private static void removeTrainingStates(Path dir) throws IOException {
        for (Path sub : List.of(dir.resolve("train"), dir.resolve("baseline"))) {
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
        String status = v.status() == ModelVersion.Status.REJECTED ? GateBatchlet.GATE_FAILED : "COMPLETED";
        stepContext.setExitStatus(status);
        return status;
    }

    /** A version directory with no row, left by a crash between the move and the commit: reclaimed if it is ours. */
    private static void reclaimOrphan(Path target, long instance) throws IOException {
        Path provenance = target.resolve(ModelArtifact.PROVENANCE);
        boolean ours = false;
        if (Files.exists(provenance)) {
            ours = FineTuneRun.readJson(provenance).getJsonObject("job").getJsonNumber("instanceId")
                    .longValue() == instance;
        }
        if (!ours) {
            throw new IOException(target + " exists but is not registered: move it away and restart the job");
        }
        RegisterDatasetBatchlet.deleteTree(target);
    }
}
