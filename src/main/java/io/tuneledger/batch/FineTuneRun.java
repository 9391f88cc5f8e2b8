package io.tuneledger.batch;

import io.tuneledger.config.Parameter;
import io.tuneledger.config.ParameterValues;
import io.tuneledger.config.VersionRef;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.DatasetManifest;
import io.tuneledger.data.DatasetParameters;
import io.tuneledger.data.JsonFiles;
import io.tuneledger.ml.BaseModelRef;
import io.tuneledger.ml.Baseline;
import io.tuneledger.ml.Evaluation;
import io.tuneledger.ml.FineTuningTask;
import io.tuneledger.ml.GateDecision;
import io.tuneledger.ml.ModelEngine;
import io.tuneledger.ml.RunSpec;
import io.tuneledger.ml.StartingPoint;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.StudyPlan;
import io.tuneledger.ml.StudyResult;
import io.tuneledger.ml.TaskRun;
import io.tuneledger.ml.TaskType;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.TrainingRecord;
import io.tuneledger.registry.DatasetRegistry;
import io.tuneledger.registry.DatasetVersion;
import io.tuneledger.registry.ModelRegistry;
import io.tuneledger.registry.ModelVersion;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every step of a fine-tune (or pipeline) job instance shares: its parameters, its working directory, the
 * dataset version it trains on and that version's task, and the files the steps hand on to each other (typed). The
 * dataset version is resolved once, when the first step starts, and pinned in the working directory's
 * {@code run.json}, so that a restart days later trains on the same data even if {@code dataset.version=latest} now
 * means another version. In a pipeline the dataset is the one this job instance registered.
 */
@Dependent
public class FineTuneRun {

    /** Files and directories in the working directory. */
    static final String RUN_FILE = "run.json";
    static final String TRAIN_DIR = "train";
    static final String BASELINE_DIR = "baseline";
    static final String RESULT_FILE = "result.json";
    static final String BASELINE_FILE = "baseline.json";
    static final String EVALUATION_FILE = "evaluation.json";
    static final String GATE_FILE = "gate.json";
    /** A study's plan, its units' directories, its folds' data and its result (cross-validate and tune). */
    static final String STUDY_FILE = "study.json";
    static final String UNITS_DIR = "units";
    static final String FOLDS_DIR = "folds";
    public static final String STUDY_RESULT_FILE = "study-result.json";
    static final String FIRST_RUNG_FILE = "first-rung.json";
    /** A distillation's teacher, resolved at its first use (distill.teacher=name:latest stays that version). */
    static final String TEACHER_FILE = "teacher.json";

    @Inject
    JobContext jobContext;

    @Inject
    DataStore store;

    @Inject
    DatasetRegistry datasets;

    @Inject
    ModelRegistry models;

    @Inject
    ModelEngine engine;

    @Inject
    RunParameters parameters;

    /** The job's parameters as launched (a restart may have changed the restartable ones). */
    public ParameterValues parameters() {
        return parameters.values();
    }

    public Path dir() throws IOException {
        Path dir = store.runDir(jobContext.getInstanceId());
        Files.createDirectories(dir);
        return dir;
    }

    /** The dataset version this job instance trains on, pinned at its first use. */
    public DatasetVersion dataset() throws IOException {
        Path pin = dir().resolve(RUN_FILE);
        if (Files.exists(pin)) {
            var run = JsonFiles.read(pin);
            return datasets.find(run.getString("dataset.name"), run.getInt("dataset.version"))
                    .orElseThrow(() -> new IllegalStateException("Dataset version " + run.getString("dataset.name")
                            + " v" + run.getInt("dataset.version") + " pinned by this job is no longer registered"));
        }
        DatasetVersion v = datasets.byJobInstance(jobContext.getInstanceId()).orElse(null);
        if (v == null) {
            String name = parameters().get(DatasetParameters.DATASET_NAME);
            VersionRef version = parameters().get(JobParameters.DATASET_VERSION);
            v = datasets.resolve(name, version)
                    .orElseThrow(() -> new IllegalStateException("No dataset version " + name + " " + version));
        }
        JsonFiles.writeAtomically(pin, Json.createObjectBuilder().add("dataset.name", v.name())
                .add("dataset.version", v.version()).add("dataset.sha256", v.contentSha256()).build());
        return v;
    }

    /** The task of the dataset version (what the job trains): the engine's implementation of it. */
    public FineTuningTask task() throws IOException {
        DatasetVersion d = dataset();
        String task = DatasetManifest.parse(d.manifest()).task();
        return engine.task(TaskType.byId(task).orElseThrow(() -> new IllegalStateException("Dataset " + d.ref()
                + " is for task '" + task + "', which this version of Tuneledger cannot train")));
    }

    /** The training configuration of the parameters, with the settings of the dataset's task. */
    public TrainingConfig config() throws IOException {
        return config(Map.of());
    }

    /** The training configuration with some parameters given other values (a search's trial). */
    TrainingConfig config(Map<String, String> overrides) throws IOException {
        Map<String, String> merged = new LinkedHashMap<>(parameters().asMap());
        merged.putAll(overrides);
        if (ParameterValues.of(merged).get(TrainingParameters.MAX_LENGTH) == 0) {
            var tokens = DatasetManifest.parse(dataset().manifest()).statistics().tokens();
            merged.put(TrainingParameters.MAX_LENGTH.name(), Integer.toString(TrainingParameters.autoMaxLength(
                    tokens == null ? null : tokens.p95())));
        }
        ParameterValues values = ParameterValues.of(merged);
        Map<String, Object> settings = new LinkedHashMap<>();
        for (Parameter<?> p : task().parameters()) {
            settings.put(p.name(), values.get(p));
        }
        TrainingConfig config = TrainingConfig.from(values);
        if (config.mode() == TrainingConfig.TrainMode.LORA) {
            TrainingParameters.LORA.forEach(p -> settings.put(p.name(), values.get(p)));
        }
        var teacher = teacher();
        if (teacher.isPresent()) {
            TrainingParameters.DISTILLATION.forEach(p -> settings.put(p.name(), values.get(p)));
            settings.put(TrainingParameters.DISTILL_TEACHER.name(), teacher.get().name() + ":"
                    + teacher.get().version());
        }
        return config.withTaskSettings(settings);
    }

    /**
     * A distill job's teacher (the registered version {@code distill.teacher} names, pinned at its first use); empty
     * for the other jobs.
     */
    java.util.Optional<ModelVersion> teacher() throws IOException {
        String given = parameters().text(TrainingParameters.DISTILL_TEACHER.name());
        if (given == null) {
            return java.util.Optional.empty();
        }
        Path pin = dir().resolve(TEACHER_FILE);
        VersionRef.Named ref;
        if (Files.exists(pin)) {
            var json = JsonFiles.read(pin);
            ref = new VersionRef.Named(json.getString("name"), VersionRef.parse(Integer.toString(
                    json.getInt("version"))));
        } else {
            ref = TrainingParameters.teacherRef(given);
        }
        VersionRef.Named named = ref;
        ModelVersion teacher = models.resolve(named.name(), named.version())
                .orElseThrow(() -> new IllegalStateException("No registered model " + named + " to distil from"));
        if (!Files.exists(pin)) {
            JsonFiles.writeAtomically(pin, Json.createObjectBuilder().add("name", teacher.name())
                    .add("version", teacher.version()).add("weightsSha256", teacher.weightsSha256()).build());
        }
        return java.util.Optional.of(teacher);
    }

    /** The plan of this job's study, written by its plan step. */
    public StudyPlan study() throws IOException {
        Path file = dir().resolve(STUDY_FILE);
        if (!Files.exists(file)) {
            throw new IllegalStateException("The study's plan " + file + " is missing: the plan step did not run");
        }
        return StudyPlan.fromJson(JsonFiles.read(file));
    }

    /** The directory of one unit of this job's study: its training states and its result. */
    Path unitDir(String unit) throws IOException {
        return dir().resolve(UNITS_DIR).resolve(unit);
    }

    /**
     * Opens a study unit's run: its fold's data (or the dataset version's own splits) with its trial's configuration.
     */
    TaskRun open(StudyPlan.Unit unit, TrainingConfig config) throws IOException {
        DatasetVersion d = dataset();
        Path data = unit.fold() < 0 ? Path.of(d.path()) : dir().resolve(FOLDS_DIR).resolve("fold-" + unit.fold());
        String ref = unit.fold() < 0 ? d.ref() : d.ref() + " fold " + unit.fold();
        return task().open(new RunSpec(data, ref, start(), config));
    }

    /** Opens the task's run on this job's dataset, starting weights and configuration. */
    public TaskRun open() throws IOException {
        DatasetVersion d = dataset();
        StartingPoint teacher = teacher().map(FineTuneRun::startingPoint).orElse(null);
        return task().open(new RunSpec(Path.of(d.path()), d.ref(), start(), config(), teacher));
    }

    private static StartingPoint startingPoint(ModelVersion v) {
        return StartingPoint.of(Path.of(v.path()), v.name() + ":" + v.version());
    }

    /**
     * The weights named by {@code base.model}: a shipped base model, a directory, or a registered name:version; for a
     * distillation those {@code distill.student} names, the teacher's own by default.
     */
    StartingPoint start() throws IOException {
        var teacher = teacher();
        String given = teacher.isPresent() ? parameters().get(TrainingParameters.DISTILL_STUDENT)
                : parameters().get(TrainingParameters.BASE_MODEL);
        if (teacher.isPresent() && given.equals(TrainingParameters.TEACHER)) {
            return startingPoint(teacher.get());
        }
        BaseModelRef ref = BaseModelRef.parse(given);
        if (ref instanceof BaseModelRef.Builtin b) {
            return StartingPoint.of(b.model());
        }
        if (ref instanceof BaseModelRef.Directory d) {
            return StartingPoint.of(d.path(), d.path().toString());
        }
        VersionRef.Named named = ((BaseModelRef.Registered) ref).model();
        ModelVersion registered = models.resolve(named.name(), named.version())
                .orElseThrow(() -> new IllegalStateException("No registered model " + named));
        return StartingPoint.of(Path.of(registered.path()), registered.name() + ":" + registered.version());
    }

    /**
     * Scores a study unit on the split it is scored on (its held-out fold, or validation) with its best weights so
     * far, into the unit's directory for the summary step: {@code result.json} when its training is over, or, at the
     * cut of a halving search's first rung, {@code first-rung.json} with the state it would go on from.
     */
    void scoreUnit(TrainingStep step, boolean atCut, TrainingPosition state) throws IOException {
        StudyPlan.Unit unit = step.unit;
        step.run.loadWeights(step.session.bestWeights());
        Split split = unit.scoredOn();
        var metrics = step.run.evaluate(split);
        var result = new StudyResult.UnitResult(unit.id(), unit.trial(), unit.fold(), split.parameterName(),
                step.run.size(split), metrics.summary(), step.session.steps(), step.session.bestEpoch(),
                step.session.stoppedEarly(), atCut);
        if (!atCut) {
            JsonFiles.writeAtomically(unitDir(unit.id()).resolve(RESULT_FILE), result.toJson());
            return;
        }
        JsonFiles.writeAtomically(unitDir(unit.id()).resolve(FIRST_RUNG_FILE), Json.createObjectBuilder()
                .add("result", result.toJson()).add("steps", state.steps()).add("stateFile", state.stateFile())
                .add("sha256", state.sha256()).build());
    }

    /** Where a halving search's survivor goes on from: the state its first rung ended with. */
    TrainingPosition firstRungState(StudyPlan.Unit unit) throws IOException {
        Path file = unitDir(unit.id()).resolve(FIRST_RUNG_FILE);
        if (!Files.exists(file)) {
            throw new IllegalStateException("Study unit " + unit.id() + " has no first-rung result " + file);
        }
        var json = JsonFiles.read(file);
        return new TrainingPosition(json.getInt("steps"), json.getString("stateFile"), json.getString("sha256"));
    }

    /** The first-rung results of a halving search's units, in plan order; refuses, naming it, a missing one. */
    java.util.List<StudyResult.UnitResult> firstRungResults(StudyPlan plan) throws IOException {
        java.util.List<StudyResult.UnitResult> out = new java.util.ArrayList<>();
        for (StudyPlan.Unit u : plan.units()) {
            Path file = unitDir(u.id()).resolve(FIRST_RUNG_FILE);
            if (!Files.exists(file)) {
                throw new IllegalStateException("Study unit " + u.id() + " has no first-rung result " + file
                        + ": its first rung did not finish; restart the execution");
            }
            out.add(StudyResult.UnitResult.fromJson(JsonFiles.read(file).getJsonObject("result")));
        }
        return out;
    }

    /** Whether a unit's result is written and says its training ended after {@code steps} steps. */
    boolean unitScored(StudyPlan.Unit unit, int steps) throws IOException {
        Path file = unitDir(unit.id()).resolve(RESULT_FILE);
        return Files.exists(file) && StudyResult.UnitResult.fromJson(JsonFiles.read(file)).steps() == steps;
    }

    /**
     * The results of the study's units that have one, by unit id: the final one, or for a halving search's trial that
     * did not train on, its first rung's.
     */
    Map<String, StudyResult.UnitResult> unitResults(StudyPlan plan) throws IOException {
        Map<String, StudyResult.UnitResult> found = new LinkedHashMap<>();
        java.util.List<Integer> kept = plan.halving() ? survivors(plan) : java.util.List.of();
        for (StudyPlan.Unit u : plan.units()) {
            Path file = unitDir(u.id()).resolve(RESULT_FILE);
            Path cut = unitDir(u.id()).resolve(FIRST_RUNG_FILE);
            if (Files.exists(file)) {
                found.put(u.id(), StudyResult.UnitResult.fromJson(JsonFiles.read(file)));
            } else if (plan.halving() && Files.exists(cut) && !kept.contains(u.trial())) {
                found.put(u.id(), StudyResult.UnitResult.fromJson(JsonFiles.read(cut).getJsonObject("result")));
            }
        }
        return found;
    }

    /** The trials of a halving search that train on after the first rung. */
    java.util.List<Integer> survivors(StudyPlan plan) throws IOException {
        return StudyResult.survivors(plan, firstRungResults(plan));
    }

    /**
     * Where the configuration came from when {@code training.config} named a tune job: the study, its best trial,
     * that trial's parameters and mean figure, and the SHA-256 of the study's result file; empty otherwise.
     */
    java.util.Optional<jakarta.json.JsonObject> configOrigin() throws IOException {
        String given = parameters().get(TrainingParameters.TRAINING_CONFIG);
        if (given == null) {
            return java.util.Optional.empty();
        }
        long execution = TrainingParameters.studyExecution(given);
        long instance = jakarta.batch.runtime.BatchRuntime.getJobOperator().getJobInstance(execution).getInstanceId();
        Path file = store.runDir(instance).resolve(STUDY_RESULT_FILE);
        var result = JsonFiles.read(file);
        var best = result.getJsonObject("best");
        String primary = result.getString("primary");
        return java.util.Optional.of(Json.createObjectBuilder().add("study", given).add("executionId", execution)
                .add("bestTrial", best.getInt("trial")).add("parameters", best.getJsonObject("parameters"))
                .add("primary", primary).add("mean", best.getJsonObject("mean").getJsonNumber(primary))
                .add("scoredOn", result.getInt("folds") > 0 ? result.getInt("folds") + "-fold cross-validation"
                        : "validation split")
                .add("resultSha256", io.tuneledger.data.JsonlFiles.sha256(file)).build());
    }

    /**
     * Where the starting weights came from when {@code base.model} names a registered model version (an adapted base
     * model, or incremental training): that version, its task, the SHA-256 of its weights, the job that made it and
     * the dataset (for an adapted model, the corpus) it was trained on with that dataset's content hash, as its own
     * provenance records them; empty for a shipped base model or a directory.
     */
    java.util.Optional<jakarta.json.JsonObject> baseOrigin() throws IOException {
        if (teacher().isPresent() || !(BaseModelRef.parse(parameters().get(TrainingParameters.BASE_MODEL))
                instanceof BaseModelRef.Registered registered)) {
            return java.util.Optional.empty();
        }
        ModelVersion base = models.resolve(registered.model().name(), registered.model().version())
                .orElseThrow(() -> new IllegalStateException("No registered model " + registered.model()));
        return java.util.Optional.of(origin(base));
    }

    /**
     * What a distillation learnt from: the teacher's origin (as {@link #baseOrigin()} gives a base model's), where the
     * student started, how many layers it kept, the temperature and alpha; empty for the other jobs.
     */
    java.util.Optional<jakarta.json.JsonObject> distillation() throws IOException {
        var teacher = teacher();
        if (teacher.isEmpty()) {
            return java.util.Optional.empty();
        }
        var settings = config().taskSettings();
        return java.util.Optional.of(Json.createObjectBuilder().add("teacher", origin(teacher.get()))
                .add("student", parameters().get(TrainingParameters.DISTILL_STUDENT))
                .add("layers", parameters().text(TrainingParameters.DISTILL_LAYERS.name()) == null
                        ? TrainingParameters.AUTO : parameters().text(TrainingParameters.DISTILL_LAYERS.name()))
                .add("temperature", ((Number) settings.get(TrainingParameters.DISTILL_TEMPERATURE.name())).doubleValue())
                .add("alpha", ((Number) settings.get(TrainingParameters.DISTILL_ALPHA.name())).doubleValue())
                .build());
    }

    /** A registered version, its task, weights' SHA-256, and the job and dataset its own provenance names. */
    private jakarta.json.JsonObject origin(ModelVersion base) throws IOException {
        var provenance = JsonFiles.read(Path.of(base.path()).resolve(io.tuneledger.ml.Provenance.FILE));
        var origin = Json.createObjectBuilder().add("model", base.ref()).add("task", provenance.getString("task"))
                .add("weightsSha256", base.weightsSha256());
        for (String key : java.util.List.of("job", "dataset")) {
            if (provenance.get(key) instanceof jakarta.json.JsonObject o) {
                origin.add(key, o);
            }
        }
        return origin.build();
    }

    TrainingRecord training() throws IOException {
        return TrainingRecord.fromJson(JsonFiles.read(dir().resolve(TRAIN_DIR).resolve(RESULT_FILE)));
    }

    Baseline baseline() throws IOException {
        return Baseline.fromJson(JsonFiles.read(dir().resolve(BASELINE_FILE)), task().type()::metrics);
    }

    Evaluation evaluation() throws IOException {
        return Evaluation.fromJson(JsonFiles.read(dir().resolve(EVALUATION_FILE)), task().type()::metrics);
    }

    GateDecision gate() throws IOException {
        return GateDecision.fromJson(JsonFiles.read(dir().resolve(GATE_FILE)));
    }

    void write(String file, jakarta.json.JsonObject json) throws IOException {
        JsonFiles.writeAtomically(dir().resolve(file), json);
    }
}
