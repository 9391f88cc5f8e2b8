package io.tuneledger.api;

import io.tuneledger.launch.ExecutionInfo;
import io.tuneledger.launch.JobLauncher;
import io.tuneledger.launch.LaunchException;
import io.tuneledger.launch.Launched;
import io.tuneledger.launch.ParameterError;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import java.util.Set;

/** Job executions: status, steps and progress; stop and restart. */
@Path("/executions")
@RequestScoped
@RolesAllowed({Roles.OPERATOR, Roles.AUDITOR, Roles.ADMIN})
@Produces(MediaType.APPLICATION_JSON)
public class ExecutionsResource {

    private static final Set<String> STATUSES = Set.of("STARTING", "STARTED", "STOPPING", "STOPPED", "FAILED",
            "COMPLETED", "ABANDONED");

    @Inject
    JobLauncher launcher;

    /** Recent executions, newest first. */
    @GET
    public List<ExecutionInfo> list(@QueryParam("job") String job, @QueryParam("status") String status,
            @QueryParam("limit") @DefaultValue("50") int limit) {
        if (status != null && !STATUSES.contains(status)) {
            throw new LaunchException.InvalidParameters(
                    List.of(new ParameterError("status", "must be one of " + String.join(", ", STATUSES))));
        }
        if (limit < 1 || limit > 1000) {
            throw new LaunchException.InvalidParameters(
                    List.of(new ParameterError("limit", "must be between 1 and 1000")));
        }
        return launcher.executions(job, status, limit);
    }

    @GET
    @Path("/{id}")
    public ExecutionInfo get(@PathParam("id") long id) {
        return launcher.execution(id);
    }

    /** Asks a running execution to stop; 202, or 409 when it is not running. */
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @POST
    @Path("/{id}/stop")
    public Response stop(@PathParam("id") long id, @Context SecurityContext security) {
        launcher.stop(LaunchRequests.actor(security), id);
        return Response.accepted(launcher.execution(id)).build();
    }

    /**
     * Restarts a failed or stopped execution from its last checkpoint. Optional body {@code {"parameters": {...}}}
     * overrides some of the original parameters.
     */
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @POST
    @Path("/{id}/restart")
    public Response restart(@PathParam("id") long id, JsonObject body, @Context SecurityContext security) {
        Launched launched = launcher.restart(LaunchRequests.actor(security), id, LaunchRequests.parameters(body));
        return Response.accepted(launched).build();
    }
}
