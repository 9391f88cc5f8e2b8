package io.tuneledger.api;

import io.tuneledger.registry.DatasetRegistry;
import io.tuneledger.registry.DatasetVersion;
import io.tuneledger.config.VersionRef;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.StringReader;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Dataset versions: the list, a version's manifest, and the records of a split, the quarantine or the duplicates. */
@Path("/datasets")
@RequestScoped
@RolesAllowed({Roles.OPERATOR, Roles.AUDITOR, Roles.ADMIN})
@Produces(MediaType.APPLICATION_JSON)
public class DatasetsResource {

    /** JSON Lines. */
    public static final String JSONL = "application/x-ndjson";
    private static final Set<String> PARTS = Set.of("train", "validation", "test", "quarantine", "duplicates");

    @Inject
    DatasetRegistry registry;

    /** Every dataset with its versions (number, content hash, counts, creation time, job execution). */
    @GET
    public JsonObject list() {
        Map<String, JsonArrayBuilder> byName = new LinkedHashMap<>();
        for (DatasetVersion v : registry.all()) {
            byName.computeIfAbsent(v.name(), n -> Json.createArrayBuilder()).add(summary(v));
        }
        JsonArrayBuilder datasets = Json.createArrayBuilder();
        byName.forEach((name, versions) -> datasets.add(Json.createObjectBuilder().add("name", name)
                .add("versions", versions)));
        return Json.createObjectBuilder().add("datasets", datasets).build();
    }

    /** The manifest of a version ({@code latest} for the newest). */
    @GET
    @Path("{name}/versions/{version}")
    public Response manifest(@PathParam("name") String name, @PathParam("version") String version) {
        Optional<DatasetVersion> v = find(name, version);
        if (v.isEmpty()) {
            return notFound(name, version);
        }
        try (var r = Json.createReader(new StringReader(v.get().manifest()))) {
            return Response.ok(r.readObject()).build();
        }
    }

    /** The records of one part of a version as JSON Lines, exactly as stored. */
    @GET
    @Path("{name}/versions/{version}/records")
    @Produces({JSONL, MediaType.APPLICATION_JSON})
    public Response records(@PathParam("name") String name, @PathParam("version") String version,
            @QueryParam("split") String split) {
        if (split == null || !PARTS.contains(split)) {
            return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                    .entity(ErrorBody.of("split", "must be one of train, validation, test, quarantine, duplicates"))
                    .build();
        }
        Optional<DatasetVersion> v = find(name, version);
        if (v.isEmpty()) {
            return notFound(name, version);
        }
        java.nio.file.Path file = java.nio.file.Path.of(v.get().path()).resolve(split + ".jsonl");
        if (!Files.isReadable(file)) {
            return Response.status(Response.Status.GONE).type(MediaType.APPLICATION_JSON)
                    .entity(ErrorBody.of(null, "the files of " + name + " v" + v.get().version()
                            + " are no longer in the data store")).build();
        }
        StreamingOutput body = out -> Files.copy(file, out);
        return Response.ok(body, JSONL).header("X-Content-SHA256", v.get().contentSha256()).build();
    }

    private Optional<DatasetVersion> find(String name, String version) {
        return VersionRef.tryParse(version).flatMap(v -> registry.resolve(name, v));
    }

    private static Response notFound(String name, String version) {
        return Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                .entity(ErrorBody.of(null, "no dataset version " + name + " " + version)).build();
    }

    static JsonObject summary(DatasetVersion v) {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("version", v.version())
                .add("contentSha256", v.contentSha256())
                .add("sourceSha256", v.sourceSha256())
                .add("read", v.readCount())
                .add("records", v.recordCount())
                .add("quarantined", v.quarantinedCount())
                .add("duplicates", v.duplicateCount())
                .add("tokenizer", v.tokenizer())
                .add("createdAt", v.createdAt().toString())
                .add("jobExecutionId", v.jobExecutionId());
        return b.build();
    }

    static List<String> parts() {
        return List.copyOf(PARTS);
    }
}
