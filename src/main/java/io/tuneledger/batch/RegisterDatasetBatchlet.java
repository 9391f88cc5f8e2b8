package io.tuneledger.batch;

import io.tuneledger.config.LogId;
import io.tuneledger.config.ParameterValues;
import io.tuneledger.data.DatasetAssembler;
import io.tuneledger.data.DatasetManifest;
import io.tuneledger.data.DatasetManifests;
import io.tuneledger.data.DatasetParameters;
import io.tuneledger.data.EdaAugmenter;
import io.tuneledger.data.FieldMapping;
import io.tuneledger.data.IngestSummary;
import io.tuneledger.data.Thesaurus;
import io.tuneledger.data.VersionDirectories;
import io.tuneledger.ml.TaskType;
import io.tuneledger.registry.DatasetRegistry;
import io.tuneledger.registry.DatasetVersion;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.sql.DataSource;

/**
 * The last step of prepare-dataset: builds the dataset version's files from the staging directory
 * ({@link DatasetAssembler}, which also checks the reconciliation), writes the manifest ({@link DatasetManifests}),
 * moves the version into place read-only and registers it, then removes the staging directory. Safe to re-run after a
 * crash at any point: a version already registered for this job instance is not built again, and a half-built
 * directory is rebuilt from scratch.
 */
@Named
@Dependent
public class RegisterDatasetBatchlet extends StagingBatchlet {

    private static final Logger LOG = Logger.getLogger(RegisterDatasetBatchlet.class.getName());

    @Inject
    @BatchProperty(name = "dataset.name")
    String datasetName;

    @Inject
    RunParameters parameters;

    @Inject
    DatasetRegistry registry;

    @Override
    public String process() throws Exception {
        long instance = jobContext.getInstanceId();
        Path staging = staging();
        var existing = registry.byJobInstance(instance);
        if (existing.isPresent()) {
            LOG.info(() -> LogId.DATASET_ALREADY_REGISTERED + " Dataset version " + existing.get().ref()
                    + " is already registered for job instance " + instance + "; finishing its clean-up");
            VersionDirectories.deleteTree(staging);
            publish(existing.get());
            return "COMPLETED";
        }
        ParameterValues values = parameters.values();
        Path datasetDir = store.home().resolve("datasets").resolve(datasetName);
        Path build = datasetDir.resolve(".build-" + instance);
        VersionDirectories.deleteTree(build);
        EdaAugmenter augmenter = values.get(DatasetParameters.AUGMENT).equals("eda")
                ? new EdaAugmenter(Thesaurus.read(Path.of(values.get(DatasetParameters.AUGMENT_THESAURUS))),
                        values.get(DatasetParameters.SPLIT_SEED), values.get(DatasetParameters.AUGMENT_FACTOR))
                : null;
        TaskType task = TaskType.byId(values.get(DatasetParameters.TASK)).orElseThrow();
        DatasetAssembler.Result result = DatasetAssembler.assemble(staging, build, augmenter, task);
        DatasetManifest.Source source = source(values);
        Instant created = Instant.now();
        DatasetVersion registered = registry.register(datasetName, version -> {
            Path target = datasetDir.resolve("v" + version);
            try {
                DatasetManifest manifest = DatasetManifests.of(datasetName, version, task.id(),
                        created, instance, jobContext.getExecutionId(), source, values, result, augmenter);
                Files.writeString(build.resolve(DatasetManifest.FILE), manifest.toJson().toString(),
                        StandardCharsets.UTF_8);
                VersionDirectories.moveIntoPlace(build, target, DatasetManifest.FILE, instance);
                return new DatasetVersion(manifest, source.toJson().toString(), target.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        LOG.info(() -> LogId.DATASET_REGISTERED + " Dataset version " + registered.ref() + " registered: "
                + result.records() + " records, " + result.quarantined() + " quarantined, " + result.duplicates()
                + " duplicates, content " + result.contentSha256());
        VersionDirectories.deleteTree(staging);
        publish(registered);
        return "COMPLETED";
    }

    /** Puts the version and counts in the step's persistent data, where the execution API shows them. */
    private void publish(DatasetVersion v) {
        StepFigures.count(stepContext, "version", v.version());
        StepFigures.count(stepContext, "read", v.readCount());
        StepFigures.count(stepContext, "records", v.recordCount());
        StepFigures.count(stepContext, "quarantined", v.quarantinedCount());
        StepFigures.count(stepContext, "duplicates", v.duplicateCount());
    }

    /** The source and its SHA-256: of the file's bytes, or of the table's rows as read. */
    private DatasetManifest.Source source(ParameterValues p) throws Exception {
        String format = p.get(DatasetParameters.INPUT_FORMAT);
        if ("beir".equals(format)) {
            return DatasetManifests.directory(format, Path.of(p.get(DatasetParameters.INPUT_PATH)));
        }
        if (!"jdbc".equals(format)) {
            return DatasetManifests.file(format, Path.of(p.get(DatasetParameters.INPUT_PATH)),
                    IngestSummary.read(staging()).bytes());
        }
        String jndi = p.get(DatasetParameters.INPUT_DATASOURCE);
        return DatasetManifests.table((DataSource) new InitialContext().lookup(jndi), jndi,
                p.get(DatasetParameters.INPUT_TABLE), new FieldMapping(p.get(DatasetParameters.ID_FIELD),
                        p.get(DatasetParameters.TEXT_FIELD), p.get(DatasetParameters.LABEL_FIELD)));
    }
}
