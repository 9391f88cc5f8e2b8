package io.tuneledger.batch;

import io.tuneledger.data.DataStore;
import io.tuneledger.data.JsonlFiles;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.djl.StartingWeights;
import io.tuneledger.registry.DatasetRegistry;
import io.tuneledger.registry.DatasetVersion;
import io.tuneledger.registry.ModelRegistry;
import io.tuneledger.registry.ModelVersion;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

/**
 * What every step of a fine-tune (or pipeline) job instance shares: its parameters, its working directory, and the
 * dataset version it trains on. The dataset version is resolved once, when the first step starts, and pinned in the
 * working directory's {@code run.json}, so that a restart days later trains on the same data even if
 * {@code dataset.version=latest} now means another version. In a pipeline the dataset is the one this job instance
 * registered.
 */
@Dependent
public class FineTuneRun {

    /** Files in the working directory. */
    static final String RUN_FILE = "run.json";
    static final String BASELINE_FILE = "baseline.json";
    static final String EVALUATION_FILE = "evaluation.json";
    static final String GATE_FILE = "gate.json";

    @Inject
    JobContext jobContext;

    @Inject
    DataStore store;

    @Inject
    DatasetRegistry datasets;

    @Inject
    ModelRegistry models;

    /** The job's parameters as launched (restarts keep them). */
    public Properties parameters() {
        Properties p = BatchRuntime.getJobOperator().getParameters(jobContext.getExecutionId());
        return p == null ? new Properties() : p;
    }

    public String parameter(String name, String defaultValue) {
        String v = parameters().getProperty(name);
        return v == null || v.isBlank() ? defaultValue : v.strip();
    }

    public Path dir() throws IOException {
        Path dir = store.runDir(jobContext.getInstanceId());
        Files.createDirectories(dir);
        return dir;
    }

    /** The training configuration from the {@code train.*} parameters (defaults as documented). */
    public TrainingConfig config(TrainingConfig.TrainMode mode) {
        // The launcher fills every parameter in; the defaults matter only to a caller of the JobOperator itself.
        TrainingConfig d = TrainingConfig.defaults();
        return TrainingConfig.builder()
                .optMode(mode)
                .optEpochs(Integer.parseInt(parameter("train.epochs", Integer.toString(d.epochs()))))
                .optBatchSize(Integer.parseInt(parameter("train.batch.size", Integer.toString(d.batchSize()))))
                .optLearningRate(Float.parseFloat(parameter("train.learning.rate", Float.toString(d.learningRate()))))
                .optWeightDecay(Float.parseFloat(parameter("train.weight.decay", Float.toString(d.weightDecay()))))
                .optWarmupRatio(Float.parseFloat(parameter("train.warmup.ratio", Float.toString(d.warmupRatio()))))
                .optDropout(Float.parseFloat(parameter("train.dropout", Float.toString(d.dropout()))))
                .optMaxLength(Integer.parseInt(parameter("train.max.length", Integer.toString(d.maxLength()))))
                .optSeed(Long.parseLong(parameter("train.seed", Long.toString(d.seed()))))
                .optGradClip(Float.parseFloat(parameter("train.grad.clip", Float.toString(d.gradClip()))))
                .optEarlyStoppingPatience(Integer.parseInt(parameter("early.stopping.patience",
                        Integer.toString(d.earlyStoppingPatience()))))
                .optCheckpointEverySteps(Integer.parseInt(parameter("checkpoint.every.steps",
                        Integer.toString(d.checkpointEverySteps()))))
                .build();
    }

    /** The configured training mode ({@code train.mode}). */
    public TrainingConfig config() {
        return config(TrainingConfig.TrainMode.valueOf(parameter("train.mode", "full").toUpperCase()));
    }

    /** The dataset version this job instance trains on, pinned at its first use. */
    public DatasetVersion dataset() throws IOException {
        Path pin = dir().resolve(RUN_FILE);
        if (Files.exists(pin)) {
            JsonObject run = readJson(pin);
            return datasets.find(run.getString("dataset.name"), run.getInt("dataset.version"))
                    .orElseThrow(() -> new IllegalStateException("Dataset version " + run.getString("dataset.name")
                            + " v" + run.getInt("dataset.version") + " pinned by this job is no longer registered"));
        }
        DatasetVersion v = datasets.byJobInstance(jobContext.getInstanceId()).orElse(null);
        if (v == null) {
            String name = parameter("dataset.name", null);
            String version = parameter("dataset.version", "latest");
            v = (version.equals("latest") ? datasets.latest(name) : datasets.find(name, Integer.parseInt(version)))
                    .orElseThrow(() -> new IllegalStateException("No dataset version " + name + " " + version));
        }
        writeJson(pin, Json.createObjectBuilder().add("dataset.name", v.name()).add("dataset.version", v.version())
                .add("dataset.sha256", v.contentSha256()).build());
        return v;
    }

    /** The split's records as labelled texts, label indices into {@code labels}. */
    public List<LabelledText> split(DatasetVersion dataset, String split, List<String> labels) throws IOException {
        List<LabelledText> out = new ArrayList<>();
        JsonlFiles.forEach(Path.of(dataset.path()).resolve(split + ".jsonl"), o -> out.add(new LabelledText(
                o.getString("id"), o.getString("text"), labels.indexOf(o.getString("label")))));
        return out;
    }

    /** The labels of a dataset version, sorted; or those of the starting model's head when it has one. */
    public List<String> labels(DatasetVersion dataset, StartingWeights start) throws IOException {
        TreeSet<String> found = new TreeSet<>();
        for (String split : List.of("train", "validation", "test")) {
            JsonlFiles.forEach(Path.of(dataset.path()).resolve(split + ".jsonl"), o -> found.add(o.getString("label")));
        }
        if (!start.labels().isEmpty()) {
            if (!start.labels().containsAll(found)) {
                throw new IllegalStateException("The dataset has labels " + found + " but the model " + start
                        .description() + " knows only " + start.labels() + "; train a new model instead");
            }
            return start.labels();
        }
        return List.copyOf(found);
    }

    /** The weights named by {@code base.model}: a shipped base model, a directory, or a registered name:version. */
    public StartingWeights startingWeights() throws IOException {
        String base = parameter("base.model", BaseModel.ALL_MINILM_L6_V2.id());
        var builtin = BaseModel.byId(base);
        if (builtin.isPresent()) {
            return StartingWeights.of(builtin.get());
        }
        int colon = base.lastIndexOf(':');
        if (colon > 0 && !Files.isDirectory(Path.of(base))) {
            ModelVersion registered = registered(base);
            return StartingWeights.of(Path.of(registered.path()), registered.name() + ":" + registered.version());
        }
        return StartingWeights.of(Path.of(base), base);
    }

    /** A registered model version from {@code name:version} ({@code version} a number or latest). */
    public ModelVersion registered(String reference) {
        int colon = reference.lastIndexOf(':');
        String name = reference.substring(0, colon);
        String version = reference.substring(colon + 1);
        return (version.equals("latest") ? models.latestUsable(name) : models.find(name, Integer.parseInt(version)))
                .orElseThrow(() -> new IllegalStateException("No registered model " + reference));
    }

    static JsonObject readJson(Path file) throws IOException {
        try (JsonReader r = Json.createReader(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
            return r.readObject();
        }
    }

    /** Writes a JSON file atomically (temporary file, then rename). */
    static void writeJson(Path file, JsonObject json) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        Files.writeString(tmp, json.toString(), StandardCharsets.UTF_8);
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
