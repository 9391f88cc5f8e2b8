package io.tuneledger.it;

import io.tuneledger.api.Roles;
import io.tuneledger.config.WriteFaults;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Test only: makes one write of a file named {@code prefix...} fail as on a full disk ({@link WriteFaults}). */
@Path("/test-fixtures/faults")
@RequestScoped
@RolesAllowed(Roles.ADMIN)
public class WriteFaultFixture {

    @POST
    @Path("disk-full")
    @Produces(MediaType.APPLICATION_JSON)
    public String diskFull(@QueryParam("prefix") String prefix, @QueryParam("skip") int skip) {
        WriteFaults.arm(prefix, skip);
        return "{}";
    }

    @POST
    @Path("clear")
    @Produces(MediaType.APPLICATION_JSON)
    public String clear() {
        WriteFaults.disarm();
        return "{}";
    }
}
