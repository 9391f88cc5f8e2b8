package io.tuneledger.batch;

import io.tuneledger.audit.AuditLedger;
import io.tuneledger.data.BlockedTerms;
import io.tuneledger.data.DatasetAssembler;
import io.tuneledger.data.EdaAugmenter;
import io.tuneledger.data.FieldMapping;
import io.tuneledger.data.IngestSummary;
import io.tuneledger.data.JdbcTableSource;
import io.tuneledger.data.JsonlFiles;
import io.tuneledger.data.Thesaurus;
import io.tuneledger.registry.DatasetRegistry;
import io.tuneledger.registry.DatasetVersion;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.naming.InitialContext;
import javax.sql.DataSource;

/**
 * The last step of prepare-dataset: builds the dataset version's files from the staging directory
 * ({@link DatasetAssembler}, which also checks the reconciliation), writes the manifest, makes the files read-only,
 * moves the version into place and registers it, then removes the staging directory. Safe to re-run after a crash
 * at any point: a version already registered for this job instance is not built again, and a half-built directory is
 * rebuilt from scratch.
 */
@Named
@Dependent
public class RegisterDatasetBatchlet extends StagingBatchlet {

    private static final Logger LOG = Logger.getLogger(RegisterDatasetBatchlet.class.getName());

    @Inject
    AuditLedger ledger;

    @Inject
    @BatchProperty(name = "dataset.name")
    String datasetName;

    @Inject
    @BatchProperty(name = "augment")
    String augment;

    @Inject
    @BatchProperty(name = "augment.factor")
    String augmentFactor;

    @Inject
    @BatchProperty(name = "augment.thesaurus")
    String thesaurus;

    @Inject
    @BatchProperty(name = "split.seed")
    String seed;


    @Inject
    DatasetRegistry registry;

    @Override
    public String process() throws Exception {
        long instance = jobContext.getInstanceId();
        Path staging = staging();
        var existing = registry.byJobInstance(instance);
        if (existing.isPresent()) {
            LOG.info(() -> "TUNE0201 Dataset version " + existing.get().name() + " v" + existing.get().version()
                    + " is already registered for job instance " + instance + "; finishing its clean-up");
            deleteTree(staging);
            publish(existing.get());
            return "COMPLETED";
        }
        Properties parameters = BatchRuntime.getJobOperator().getParameters(jobContext.getExecutionId());
        Path datasetDir = store.home().resolve("datasets").resolve(datasetName);
        Path build = datasetDir.resolve(".build-" + instance);
        deleteTree(build);
        EdaAugmenter augmenter = "eda".equals(augment)
                ? new EdaAugmenter(Thesaurus.read(Path.of(thesaurus)), Long.parseLong(seed),
                        Integer.parseInt(augmentFactor))
                : null;
        DatasetAssembler.Result result = DatasetAssembler.assemble(staging, build, augmenter);
        JsonObject source = describeSource(parameters);
        Instant created = Instant.now();
        DatasetVersion registered = registry.register(datasetName, version -> {
            Path target = datasetDir.resolve("v" + version);
            try {
                if (Files.exists(target)) {
                    reclaimOrphan(target, instance);
                }
                JsonObject manifest = manifest(version, created, result, source, parameters, augmenter);
                Files.writeString(build.resolve("manifest.json"), manifest.toString(), StandardCharsets.UTF_8);
                makeReadOnly(build);
                Files.move(build, target, StandardCopyOption.ATOMIC_MOVE);
                ledger.append(AuditLedger.SYSTEM, "dataset.created", "dataset", datasetName + " v" + version,
                        Json.createObjectBuilder().add("contentSha256", result.contentSha256())
                                .add("source", source).add("counts", manifest.getJsonObject("counts"))
                                .add("quarantine", manifest.getJsonObject("quarantine"))
                                .add("jobExecutionId", jobContext.getExecutionId()).build());
                return new DatasetVersion(datasetName, version, result.contentSha256(), source.getString("sha256"),
                        source.toString(), result.read(), result.records(), result.quarantined(), result.duplicates(),
                        parameters.getProperty("tokenizer"), created, instance, jobContext.getExecutionId(),
                        target.toString(), manifest.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        LOG.info(() -> "TUNE0200 Dataset version " + registered.name() + " v" + registered.version() + " registered: "
                + result.records() + " records, " + result.quarantined() + " quarantined, " + result.duplicates()
                + " duplicates, content " + result.contentSha256());
        deleteTree(staging);
        publish(registered);
        return "COMPLETED";
    }

    /** Puts the version and counts in the step's persistent data, where the execution API shows them. */
    private void publish(DatasetVersion v) {
        StepProgress.count(stepContext, "version", v.version());
        StepProgress.count(stepContext, "read", v.readCount());
        StepProgress.count(stepContext, "records", v.recordCount());
        StepProgress.count(stepContext, "quarantined", v.quarantinedCount());
        StepProgress.count(stepContext, "duplicates", v.duplicateCount());
    }

    private JsonObject manifest(int version, Instant created, DatasetAssembler.Result result, JsonObject source,
            Properties parameters, EdaAugmenter augmenter) throws IOException {
        JsonObjectBuilder params = Json.createObjectBuilder();
        new TreeMap<>(parameters).forEach((k, v) -> {
            if (!k.toString().startsWith("jberet.")) {
                params.add(k.toString(), v.toString());
            }
        });
        JsonObjectBuilder cleaning = Json.createObjectBuilder()
                .add("rules", parameters.getProperty("clean"))
                .add("redactPii", Boolean.parseBoolean(parameters.getProperty("redact.pii")));
        String blocked = parameters.getProperty("blocked.terms");
        if (blocked != null && !blocked.isBlank()) {
            cleaning.add("blockedTerms", Json.createObjectBuilder().add("file", blocked)
                    .add("sha256", JsonlFiles.sha256(Path.of(blocked)))
                    .add("terms", BlockedTerms.read(Path.of(blocked)).terms().size()));
        }
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("name", datasetName)
                .add("version", version)
                .add("contentSha256", result.contentSha256())
                .add("createdAt", created.toString())
                .add("job", Json.createObjectBuilder().add("instanceId", jobContext.getInstanceId())
                        .add("executionId", jobContext.getExecutionId()))
                .add("source", source)
                .add("parameters", params)
                .add("cleaning", cleaning)
                .add("tokenizer", Json.createObjectBuilder().add("name", parameters.getProperty("tokenizer"))
                        .add("maxTokens", Integer.parseInt(parameters.getProperty("max.tokens")))
                        .add("policy", parameters.getProperty("max.tokens.policy")))
                .add("dedupe", Json.createObjectBuilder().add("mode", parameters.getProperty("dedupe"))
                        .add("threshold", Double.parseDouble(parameters.getProperty("dedupe.threshold")))
                        .add("method", "exact: SHA-256 of NFKC lower-case text; near: MinHash 128 over character"
                                + " 5-grams, LSH 16 bands x 8 rows, estimated Jaccard"))
                .add("split", Json.createObjectBuilder().add("ratios", parameters.getProperty("split"))
                        .add("seed", Long.parseLong(parameters.getProperty("split.seed"))));
        if (augmenter != null) {
            b.add("augmentation", Json.createObjectBuilder().add("generator", augmenter.generator())
                    .add("thesaurus", thesaurus).add("thesaurusSha256", JsonlFiles.sha256(Path.of(thesaurus)))
                    .add("rows", result.augmented()));
        }
        result.statistics().forEach(b::add);
        return b.build();
    }

    /** The source and its SHA-256: of the file's bytes, or of the table's rows as read (id, text, label, in id order). */
    private JsonObject describeSource(Properties p) throws Exception {
        String format = p.getProperty("input.format");
        if (!"jdbc".equals(format)) {
            Path file = Path.of(p.getProperty("input.path"));
            long read = IngestSummary.read(staging()).bytes();
            if (read >= 0 && read != Files.size(file)) {
                throw new IOException("the input file " + file + " changed during the job: " + read
                        + " bytes were ingested, it now has " + Files.size(file) + "; prepare it again");
            }
            return Json.createObjectBuilder().add("format", format).add("path", file.toString())
                    .add("bytes", Files.size(file)).add("sha256", JsonlFiles.sha256(file)).build();
        }
        DataSource ds = (DataSource) new InitialContext().lookup(p.getProperty("input.datasource"));
        JdbcTableSource table = JdbcTableSource.open(ds, p.getProperty("input.table"), new FieldMapping(
                p.getProperty("id.field"), p.getProperty("text.field"), p.getProperty("label.field")), 1000);
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        long rows = 0;
        Serializable last = null;
        List<JdbcTableSource.Row> page;
        while (!(page = table.page(last)).isEmpty()) {
            for (JdbcTableSource.Row r : page) {
                d.update((r.id() + "\t" + r.text() + "\t" + r.label() + "\n").getBytes(StandardCharsets.UTF_8));
                rows++;
                last = r.key();
            }
        }
        return Json.createObjectBuilder().add("format", "jdbc").add("datasource", p.getProperty("input.datasource"))
                .add("table", table.table()).add("rows", rows).add("sha256", HexFormat.of().formatHex(d.digest()))
                .build();
    }

    /**
     * A version directory with no row: left by a crash between the move and the commit. Only this job instance's own
     * leftover may be reclaimed; anything else is a conflict an operator must look at.
     */
    private static void reclaimOrphan(Path target, long instance) throws IOException {
        Path manifest = target.resolve("manifest.json");
        boolean ours = false;
        if (Files.exists(manifest)) {
            try (var r = Json.createReader(Files.newBufferedReader(manifest))) {
                ours = r.readObject().getJsonObject("job").getJsonNumber("instanceId").longValue() == instance;
            }
        }
        if (!ours) {
            throw new IOException(target + " exists but is not registered: move it away and restart the job");
        }
        deleteTree(target);
    }

    static void makeReadOnly(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
            }
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    }

    /** Removes a directory tree (read-only entries included); nothing when it does not exist. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
            }
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
