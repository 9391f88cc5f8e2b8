package io.tuneledger.launch;

import io.tuneledger.batch.JobParameters;
import io.tuneledger.config.Parameter;
import io.tuneledger.config.ParameterValues;
import io.tuneledger.config.VersionRef;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.DatasetParameters;
import io.tuneledger.data.JsonFiles;
import io.tuneledger.ml.BaseModelRef;
import io.tuneledger.ml.TaskType;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.registry.DatasetRegistry;
import io.tuneledger.registry.ModelRegistry;
import io.tuneledger.registry.ModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The distill job: a smaller student trained on a labelled dataset and on a registered classifier's softened outputs
 * (knowledge distillation), through fine-tune's steps; the baseline is the teacher, and the report sets the student
 * against it on quality, size and speed.
 */
@ApplicationScoped
public class DistillJob implements JobDefinition {

    public static final String NAME = "distill";

    @Inject
    DatasetRegistry datasets;

    @Inject
    ModelRegistry models;

    @Inject
    DataStore store;

    @Override
    public String jobName() {
        return NAME;
    }

    @Override
    public String description() {
        return "Distils a registered classifier (the teacher) into a smaller student: the teacher's first layers or a"
                + " smaller base model, trained in checkpointed steps on the labels and the teacher's softened"
                + " outputs, compared with the teacher on quality and speed, gated and registered.";
    }

    @Override
    public List<Parameter<?>> parameters() {
        return JobParameters.DISTILL;
    }

    @Override
    public List<ParameterError> prepare(Map<String, String> parameters) {
        List<ParameterError> errors = new ArrayList<>();
        ParameterValues values = ParameterValues.of(parameters);
        FineTuneJob.registered(values, datasets, "prepare-dataset with task=classification", errors)
                .ifPresent(manifest -> {
                    if (!TaskType.CLASSIFICATION.id().equals(manifest.task())) {
                        errors.add(new ParameterError(DatasetParameters.DATASET_NAME.name(), manifest.ref()
                                + " is a " + manifest.task() + " dataset; distillation trains a classifier on a"
                                + " dataset prepared with task=classification"));
                    }
                });
        if (values.get(TrainingParameters.MODE).equals("lora")) {
            errors.add(new ParameterError(TrainingParameters.MODE.name(), "must be full or head for distillation:"
                    + " the student is a new, smaller model, saved whole"));
        }
        Optional<ModelVersion> teacher = teacher(values, errors);
        String student = values.get(TrainingParameters.DISTILL_STUDENT);
        Optional<Integer> studentLayers = Optional.empty();
        if (student.equals(TrainingParameters.TEACHER)) {
            studentLayers = teacher.flatMap(t -> layers(Path.of(t.path())));
        } else {
            Map<String, String> asBase = new java.util.HashMap<>(parameters);
            asBase.put(TrainingParameters.BASE_MODEL.name(), student);
            List<ParameterError> baseErrors = new ArrayList<>();
            ParameterValues base = ParameterValues.of(asBase);
            FineTuneJob.checkBaseModel(base, models, store, baseErrors);
            baseErrors.forEach(e -> errors.add(new ParameterError(TrainingParameters.DISTILL_STUDENT.name(),
                    e.message())));
            if (baseErrors.isEmpty()) {
                studentLayers = layers(BaseModelRef.parse(student), store);
            }
        }
        int layers = values.get(TrainingParameters.DISTILL_LAYERS);
        studentLayers.filter(total -> layers > total).ifPresent(total -> errors.add(new ParameterError(
                TrainingParameters.DISTILL_LAYERS.name(), "the student starts from " + student + ", which has "
                        + total + " encoder layers; it cannot keep " + layers)));
        return errors;
    }

    /** The registered teacher: a classifier, not rejected. */
    private Optional<ModelVersion> teacher(ParameterValues values, List<ParameterError> errors) {
        String name = TrainingParameters.DISTILL_TEACHER.name();
        VersionRef.Named ref = TrainingParameters.teacherRef(values.get(TrainingParameters.DISTILL_TEACHER));
        Optional<ModelVersion> teacher = models.resolve(ref.name(), ref.version());
        if (teacher.isEmpty()) {
            errors.add(new ParameterError(name, "no registered model version " + ref));
            return teacher;
        }
        if (teacher.get().status() == ModelVersion.Status.REJECTED) {
            errors.add(new ParameterError(name, teacher.get().ref() + " was rejected by its quality gate"));
            return Optional.empty();
        }
        String task = task(Path.of(teacher.get().path()));
        if (!TaskType.CLASSIFICATION.id().equals(task)) {
            errors.add(new ParameterError(name, teacher.get().ref() + " is a " + task + " model; a teacher is a"
                    + " classifier"));
            return Optional.empty();
        }
        return teacher;
    }

    /** The task a registered model's provenance names. */
    private static String task(Path dir) {
        try {
            return JsonFiles.read(dir.resolve(io.tuneledger.ml.Provenance.FILE)).getString("task", "unknown");
        } catch (IOException | RuntimeException e) {
            return "unreadable";
        }
    }

    /** The encoder layers of a shipped model or a model directory (its config.json), when known. */
    private Optional<Integer> layers(BaseModelRef ref, DataStore store) {
        if (ref instanceof BaseModelRef.Builtin b) {
            return Optional.of(b.model().config().numLayers());
        }
        if (ref instanceof BaseModelRef.Registered r) {
            return models.resolve(r.model().name(), r.model().version()).flatMap(v -> layers(Path.of(v.path())));
        }
        try {
            return layers(store.resolveInputOrDirectory(((BaseModelRef.Directory) ref).path().toString()));
        } catch (io.tuneledger.data.InputPathException e) {
            return Optional.empty();
        }
    }

    /** {@code num_hidden_layers} of a model directory's config.json, when it has one (an adapter has none). */
    private static Optional<Integer> layers(Path dir) {
        Path config = dir.resolve("config.json");
        if (!Files.isReadable(config)) {
            return Optional.empty();
        }
        try {
            var json = JsonFiles.read(config);
            return json.containsKey("num_hidden_layers") ? Optional.of(json.getInt("num_hidden_layers"))
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
