package io.tuneledger.api;

import io.tuneledger.launch.LaunchException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 400 for bad parameters, 404 for an unknown job or execution, 409 for an operation the state forbids. */
@Provider
public class LaunchExceptionMapper implements ExceptionMapper<LaunchException> {

    @Override
    public Response toResponse(LaunchException e) {
        ErrorBody body;
        Response.Status status;
        if (e instanceof LaunchException.InvalidParameters invalid) {
            status = Response.Status.BAD_REQUEST;
            body = new ErrorBody(invalid.errors());
        } else if (e instanceof LaunchException.UnknownJob || e instanceof LaunchException.NoSuchExecution) {
            status = Response.Status.NOT_FOUND;
            body = ErrorBody.of(null, e.getMessage());
        } else {
            status = Response.Status.CONFLICT;
            body = ErrorBody.of(null, e.getMessage());
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
