package io.tuneledger.api;

import io.tuneledger.batch.ExecutionOwnership;
import io.tuneledger.data.DataStore;
import io.tuneledger.launch.LaunchException;
import io.tuneledger.launch.ParameterError;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.EngineReport;
import io.tuneledger.ml.ModelEngine;
import jakarta.annotation.Resource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/** Operator diagnostics. */
@Path("/system")
@RequestScoped
@RolesAllowed({Roles.OPERATOR, Roles.AUDITOR, Roles.ADMIN})
@Produces(MediaType.APPLICATION_JSON)
public class SystemResource {

    /** The platform's default datasource: Tuneledger's tables and JBeret's job repository. */
    @Resource
    DataSource dataSource;

    @Inject
    DataStore store;

    @Inject
    ModelEngine engine;

    @Inject
    ExecutionOwnership ownership;

    /** Database product and version, Java version, the data store and the data roots, this server and its peers. */
    @GET
    public SystemInfo info() throws SQLException {
        List<SystemInfo.ServerView> servers = ownership.servers().stream().map(s -> new SystemInfo.ServerView(
                s.name(), Instant.ofEpochMilli(s.startedAt()).toString(),
                Instant.ofEpochMilli(s.heartbeatAt()).toString(), s.live())).toList();
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            return new SystemInfo(meta.getDatabaseProductName(), meta.getDatabaseProductVersion(),
                    Runtime.version().toString(), store.home().toString(),
                    store.dataRoots().stream().map(Object::toString).toList(), ownership.server(), servers);
        }
    }

    /** Who is calling and with which of the roles: the console shows only the actions the caller may take. */
    @GET
    @Path("/me")
    public JsonObject me(@Context SecurityContext security) {
        JsonArrayBuilder roles = Json.createArrayBuilder();
        for (String role : List.of(Roles.OPERATOR, Roles.AUDITOR, Roles.ADMIN)) {
            if (security.isUserInRole(role)) {
                roles.add(role);
            }
        }
        return Json.createObjectBuilder().add("user", LaunchRequests.actor(security)).add("roles", roles).build();
    }

    /**
     * Self-check of the ML stack: engine, tokenizer of a base model, an NDArray computation. Answers 200 with the
     * report, or fails with the engine's error.
     */
    @GET
    @Path("/engine")
    public EngineReport engine(@QueryParam("model") @DefaultValue("all-minilm-l6-v2") String model,
            @QueryParam("sentence") @DefaultValue("Tuneledger fine-tunes language models, offline.") String sentence)
            throws IOException {
        BaseModel base = BaseModel.byId(model).orElseThrow(() -> new LaunchException.InvalidParameters(
                List.of(new ParameterError("model", "must be one of " + String.join(", ",
                        java.util.Arrays.stream(BaseModel.values()).map(BaseModel::id).toList())))));
        return engine.selfCheck(base, sentence);
    }
}
