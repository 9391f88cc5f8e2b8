package io.tuneledger.it;

import io.tuneledger.api.Roles;
import jakarta.annotation.Resource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Test only, deployed with the integration tests: creates a ticket table in the application's database (H2 or
 * PostgreSQL), as an enterprise system of record would have, for the JDBC reader to ingest.
 */
@Path("/test-fixtures/tickets/{table}")
@RequestScoped
@RolesAllowed(Roles.ADMIN)
public class TicketTableFixture {

    @Resource(lookup = "java:jboss/datasources/TuneledgerDS")
    DataSource ds;

    /** Creates {@code table} with 30 tickets: ids 10..300, one without a category, one with an empty body. */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public String create(@PathParam("table") String table) throws Exception {
        if (!table.matches("it_[a-z0-9_]{1,40}")) {
            throw new IllegalArgumentException("test table names start with it_");
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (ticket_id BIGINT PRIMARY KEY, body VARCHAR(2000), category VARCHAR(40))");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)")) {
                for (int i = 1; i <= 30; i++) {
                    ps.setLong(1, i * 10L);
                    ps.setString(2, i == 5 ? " " : "Ticket " + i + ": the " + WORDS[i % WORDS.length]
                            + " fails, call me on +44 20 7946 09" + String.format("%02d", i));
                    ps.setString(3, i == 9 ? null : i % 2 == 0 ? "hardware" : "software");
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        return "{\"table\":\"" + table + "\"}";
    }

    private static final String[] WORDS = {"printer", "laptop screen", "VPN client", "mail client", "badge reader",
        "docking station", "payroll export", "backup job", "phone", "scanner", "ERP login", "wifi"};
}
