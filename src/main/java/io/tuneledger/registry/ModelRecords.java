package io.tuneledger.registry;

import io.tuneledger.ml.Evaluation;
import io.tuneledger.ml.GateDecision;
import io.tuneledger.ml.Provenance;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a fine-tune run records about the model version it registers, built from typed values: the artifact's
 * {@code provenance.json} (provenance, dataset, evaluation, gate, job) and the registry row with its details
 * (parameters, labels, evaluation, gate). Plain functions, so the records can be checked without a server.
 */
public final class ModelRecords {

    private ModelRecords() {
    }

    /** The job that made a version. */
    public record Job(String name, long instanceId, long executionId) {
    }

    /** The artifact's provenance.json. */
    public static JsonObject provenance(Provenance provenance, DatasetVersion dataset, Evaluation evaluation,
            GateDecision gate, Job job) {
        return Json.createObjectBuilder(provenance.toJson())
                .add("dataset", Json.createObjectBuilder().add("name", dataset.name()).add("version", dataset.version())
                        .add("contentSha256", dataset.contentSha256()))
                .add("evaluation", evaluation.toJson())
                .add("gate", gate.toJson())
                .add("job", Json.createObjectBuilder().add("instanceId", job.instanceId())
                        .add("executionId", job.executionId()).add("jobName", job.name()))
                .build();
    }

    /** The registry row of version {@code version}, whose artifact is at {@code path}. */
    public static ModelVersion entity(String name, int version, Provenance provenance, DatasetVersion dataset,
            Evaluation evaluation, GateDecision gate, Map<String, String> parameters, String weightsSha256, Path path,
            Job job) {
        JsonObject details = Json.createObjectBuilder()
                .add("task", provenance.task().id())
                .add("parameters", Json.createObjectBuilder(new TreeMap<String, Object>(parameters)))
                .add("labels", Json.createArrayBuilder(List.copyOf(provenance.labels())))
                .add("evaluation", evaluation.toJson())
                .add("gate", gate.toJson())
                .build();
        return new ModelVersion(name, version, provenance.baseModel(), provenance.baseModelSha256(), dataset.name(),
                dataset.version(), dataset.contentSha256(), gate.rejected() ? ModelVersion.Status.REJECTED
                        : ModelVersion.Status.CANDIDATE, evaluation.test().primary(), weightsSha256, path.toString(),
                job.instanceId(), job.executionId(), Instant.now(), details.toString());
    }
}
