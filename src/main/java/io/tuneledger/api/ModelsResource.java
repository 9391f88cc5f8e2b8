package io.tuneledger.api;

import io.tuneledger.audit.report.ComplianceReports;
import io.tuneledger.ml.ArtifactLayout;
import io.tuneledger.registry.ModelDetails;
import io.tuneledger.registry.ModelRegistry;
import io.tuneledger.registry.ModelVersion;
import io.tuneledger.config.VersionRef;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Model versions: the list, and one version with its metrics, artifact SHA-256 and lineage. */
@Path("/models")
@RequestScoped
@RolesAllowed({Roles.OPERATOR, Roles.AUDITOR, Roles.ADMIN})
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    @Inject
    ModelRegistry registry;

    @Inject
    ComplianceReports reports;

    /** Every model with its versions (number, status, test macro-F1, weights hash, dataset, job execution). */
    @GET
    public JsonObject list() {
        Map<String, JsonArrayBuilder> byName = new LinkedHashMap<>();
        for (ModelVersion v : registry.all()) {
            byName.computeIfAbsent(v.name(), n -> Json.createArrayBuilder()).add(summary(v));
        }
        JsonArrayBuilder models = Json.createArrayBuilder();
        byName.forEach((name, versions) -> models.add(Json.createObjectBuilder().add("name", name)
                .add("versions", versions)));
        return Json.createObjectBuilder().add("models", models).build();
    }

    /**
     * One version ({@code latest}: the newest that was not rejected): summary, lineage, every parameter, labels,
     * evaluation (fine-tuned and baseline, with confusion matrices) and the gate decision.
     */
    @GET
    @Path("{name}/versions/{version}")
    public Response version(@PathParam("name") String name, @PathParam("version") String version) {
        Optional<ModelVersion> found = find(registry, name, version);
        if (found.isEmpty()) {
            return notFound(name, version);
        }
        ModelVersion v = found.get();
        JsonObject details;
        try (var r = Json.createReader(new StringReader(v.details()))) {
            details = r.readObject();
        }
        return Response.ok(Json.createObjectBuilder(summary(v))
                .add("name", v.name())
                .add("lineage", Json.createObjectBuilder()
                        .add("baseModel", v.baseModel()).add("baseModelSha256", v.baseModelSha256())
                        .add("dataset", v.datasetName()).add("datasetVersion", v.datasetVersion())
                        .add("datasetSha256", v.datasetSha256()).add("jobInstanceId", v.jobInstanceId())
                        .add("jobExecutionId", v.jobExecutionId()))
                .add("artifact", Json.createObjectBuilder().add("path", v.path())
                        .add("weightsSha256", v.weightsSha256())
                        .add("layout", v.path() == null ? ArtifactLayout.MODEL.id()
                                : ArtifactLayout.of(java.nio.file.Path.of(v.path())).id()))
                .addAll(Json.createObjectBuilder(details))
                .build()).build();
    }

    /**
     * The model card of a version: intended use, training data, evaluation and limitations, built from the registry
     * and the training dataset's manifest.
     */
    @GET
    @Path("{name}/versions/{version}/card")
    public Response card(@PathParam("name") String name, @PathParam("version") String version) {
        return find(registry, name, version).map(v -> Response.ok(reports.card(v)).build())
                .orElseGet(() -> notFound(name, version));
    }

    /**
     * Promotes a candidate version (admin only): it becomes the model's promoted version, the one before goes back to
     * candidate; 409 for a rejected version. Recorded in the audit ledger with the caller.
     */
    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("{name}/versions/{version}/promote")
    public Response promote(@PathParam("name") String name, @PathParam("version") String version,
            @Context SecurityContext security) {
        Optional<ModelVersion> found = find(registry, name, version);
        if (found.isEmpty()) {
            return notFound(name, version);
        }
        try {
            ModelVersion v = registry.promote(LaunchRequests.actor(security), found.get());
            return Response.ok(summary(v)).build();
        } catch (IllegalStateException e) {
            return Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON)
                    .entity(ErrorBody.of(null, e.getMessage())).build();
        }
    }

    /** A version by number, or {@code latest}: the newest that was not rejected. */
    static Optional<ModelVersion> find(ModelRegistry registry, String name, String version) {
        return VersionRef.tryParse(version).flatMap(v -> registry.resolve(name, v));
    }

    static Response notFound(String name, String version) {
        return Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                .entity(ErrorBody.of(null, "no model version " + name + " " + version)).build();
    }

    /**
     * A version in a list: {@code test} is its primary test figure, named by {@code testMetric} ({@code macroF1} for
     * classification, {@code mrr@10} for retrieval); {@code testMacroF1} is the same number, kept for clients of the
     * first release.
     */
    static JsonObject summary(ModelVersion v) {
        ModelDetails details = ModelDetails.of(v);
        return Json.createObjectBuilder()
                .add("version", v.version())
                .add("status", v.status().name().toLowerCase())
                .add("task", details.task().id())
                .add("testMetric", details.evaluation().test().summary().keySet().iterator().next())
                .add("test", v.testMacroF1())
                .add("testMacroF1", v.testMacroF1())
                .add("weightsSha256", v.weightsSha256())
                .add("baseModel", v.baseModel())
                .add("dataset", v.datasetName() + " v" + v.datasetVersion())
                .add("createdAt", v.createdAt().toString())
                .add("jobExecutionId", v.jobExecutionId())
                .build();
    }
}
