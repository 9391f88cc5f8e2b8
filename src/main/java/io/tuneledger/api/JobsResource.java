package io.tuneledger.api;

import io.tuneledger.launch.JobCatalog;
import io.tuneledger.launch.JobLauncher;
import io.tuneledger.launch.Launched;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/** The job catalog and job launches. */
@Path("/jobs")
@RequestScoped
@RolesAllowed({Roles.OPERATOR, Roles.AUDITOR, Roles.ADMIN})
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

    @Inject
    JobCatalog catalog;

    @Inject
    JobLauncher launcher;

    /** The jobs and their parameters with defaults. */
    @GET
    public List<JobView> jobs() {
        return catalog.jobs().stream().map(JobView::of).toList();
    }

    /**
     * Starts a job: 202 with the new execution, or 400 naming each bad parameter (nothing started). With an
     * {@code Idempotency-Key} header, a repeated call (same key, job and parameters) answers 200 with the execution
     * the first call started, and a call with the same key and other parameters 409.
     */
    @RolesAllowed({Roles.OPERATOR, Roles.ADMIN})
    @POST
    @Path("/{job}/executions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(@PathParam("job") String job, String body, @Context UriInfo uri,
            @Context SecurityContext security, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        JobLauncher.Start start = launcher.start(LaunchRequests.actor(security), job, LaunchRequests.parameters(body),
                idempotencyKey);
        Launched launched = start.launched();
        return (start.replayed() ? Response.ok(launched).header("Idempotent-Replayed", "true")
                : Response.accepted(launched))
                .location(uri.getBaseUriBuilder().path("executions").path(Long.toString(launched.executionId()))
                        .build())
                .build();
    }
}
