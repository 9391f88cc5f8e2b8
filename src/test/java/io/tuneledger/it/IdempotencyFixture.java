package io.tuneledger.it;

import io.tuneledger.api.Roles;
import jakarta.annotation.Resource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Test only: leaves Idempotency-Key claims as a launch that died would, through SQL: a claim without an execution,
 * made {@code ageSeconds} ago, for the same job and parameters as an existing key's.
 */
@Path("/test-fixtures/idempotency")
@RequestScoped
@RolesAllowed(Roles.ADMIN)
public class IdempotencyFixture {

    @Resource(lookup = "java:jboss/datasources/TuneledgerDS")
    DataSource ds;

    /** Claim {@code key} for what {@code like} was used for, with no execution, {@code ageSeconds} old. */
    @POST
    @Path("claim/{key}")
    @Produces(MediaType.APPLICATION_JSON)
    public String claim(@PathParam("key") String key, @QueryParam("like") String like,
            @QueryParam("ageSeconds") long ageSeconds) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO launch_request"
                + " (idempotency_key, job_name, parameters_sha256, execution_id, actor, created_at) SELECT ?, job_name,"
                + " parameters_sha256, NULL, actor, ? FROM launch_request WHERE idempotency_key = ?")) {
            ps.setString(1, key);
            ps.setTimestamp(2, Timestamp.from(Instant.now().minusSeconds(ageSeconds)));
            ps.setString(3, like);
            return "{\"inserted\":" + ps.executeUpdate() + "}";
        }
    }

    /** Makes the claim of {@code key} unfinished again (its launch died after starting the job), {@code ageSeconds} old. */
    @POST
    @Path("unfinish/{key}")
    @Produces(MediaType.APPLICATION_JSON)
    public String unfinish(@PathParam("key") String key, @QueryParam("ageSeconds") long ageSeconds)
            throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE launch_request SET"
                + " execution_id = NULL, created_at = ? WHERE idempotency_key = ?")) {
            ps.setTimestamp(1, Timestamp.from(Instant.now().minusSeconds(ageSeconds)));
            ps.setString(2, key);
            return "{\"updated\":" + ps.executeUpdate() + "}";
        }
    }
}
