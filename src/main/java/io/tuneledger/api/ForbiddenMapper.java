package io.tuneledger.api;

import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 403 with the error body of every other refusal, naming the caller: authenticated, but not in an allowed role. */
@Provider
public class ForbiddenMapper implements ExceptionMapper<ForbiddenException> {

    @Context
    SecurityContext security;

    @Override
    public Response toResponse(ForbiddenException e) {
        String who = LaunchRequests.actor(security);
        return Response.status(Response.Status.FORBIDDEN).type(MediaType.APPLICATION_JSON)
                .entity(ErrorBody.of(null, "user '" + who + "' has no role that allows this request")).build();
    }
}
