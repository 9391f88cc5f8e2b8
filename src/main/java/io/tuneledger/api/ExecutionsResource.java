package io.tuneledger.api;

import io.tuneledger.job.ExecutionInfo;
import io.tuneledger.launch.ExecutionQueries;
import io.tuneledger.launch.JobLauncher;
import io.tuneledger.launch.LaunchException;
import io.tuneledger.launch.Launched;
import io.tuneledger.launch.ParameterError;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    @Inject
    ExecutionQueries queries;

    /**
     * Recent executions, newest first, a page at a time: {@code limit} [50] after {@code offset} [0]; the header
     * {@code X-Total-Count} gives the length of the whole list.
     */
    @GET
    public Response list(@QueryParam("job") String job, @QueryParam("status") String status,
            @QueryParam("offset") String offsetText, @QueryParam("limit") String limitText) {
        List<ParameterError> errors = new ArrayList<>();
        if (status != null && !STATUSES.contains(status)) {
            errors.add(new ParameterError("status", "must be one of " + String.join(", ", STATUSES)));
        }
        int offset = QueryNumbers.read("offset", offsetText, 0, 0, Integer.MAX_VALUE, errors);
        int limit = QueryNumbers.read("limit", limitText, 50, 1, 1000, errors);
        if (!errors.isEmpty()) {
            throw new LaunchException.InvalidParameters(errors);
        }
        ExecutionQueries.Page page = queries.executions(job, status, offset, limit);
        return Response.ok(page.items()).header("X-Total-Count", page.total()).build();
    }

    @GET
    @Path("/{id}")
    public ExecutionInfo get(@PathParam("id") long id) {
        return queries.execution(id);
    }

    /**
     * The curves of an execution's steps as of their last checkpoint, for charts: {@code {"train": {"loss": [...],
     * "validationLoss": [...], "validationMacroF1": [...]}}} (loss per optimisation step, the others per epoch).
     */
    @GET
    @Path("/{id}/curves")
    public Map<String, Map<String, double[]>> curves(@PathParam("id") long id) {
        return queries.curves(id);
    }

    /** Asks a running execution to stop; 202, or 409 when it is not running. */
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @POST
    @Path("/{id}/stop")
    public Response stop(@PathParam("id") long id, @Context SecurityContext security) {
        launcher.stop(LaunchRequests.actor(security), id);
        return Response.accepted(queries.execution(id)).build();
    }

    /** Abandons a failed or stopped execution so that it is never restarted; 409 while it runs. */
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @POST
    @Path("/{id}/abandon")
    public Response abandon(@PathParam("id") long id, @Context SecurityContext security) {
        launcher.abandon(LaunchRequests.actor(security), id);
        return Response.ok(queries.execution(id)).build();
    }

    /**
     * Restarts a failed or stopped execution from its last checkpoint. Optional body {@code {"parameters": {...}}}
     * overrides some of the original parameters.
     */
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @POST
    @Path("/{id}/restart")
    public Response restart(@PathParam("id") long id, String body, @Context SecurityContext security) {
        Launched launched = launcher.restart(LaunchRequests.actor(security), id, LaunchRequests.parameters(body));
        return Response.accepted(launched).build();
    }
}
