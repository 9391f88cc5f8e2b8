package io.tuneledger.it;

import io.tuneledger.api.Roles;
import jakarta.annotation.Resource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Test only, deployed with the integration tests: tampers with the audit ledger through SQL, as someone with direct
 * database access would, and puts it back. On PostgreSQL it lifts the append-only trigger for the tampering, as the
 * table's owner could; {@code plain-update} tries an UPDATE without lifting it.
 */
@Path("/test-fixtures/audit")
@RequestScoped
@RolesAllowed(Roles.ADMIN)
public class LedgerTamperFixture {

    private static final String COLUMNS = "seq, event_time, actor, action, subject_type, subject_id, details, prev_hash,"
            + " hash, key_id, mac";

    @Resource(lookup = "java:jboss/datasources/TuneledgerDS")
    DataSource ds;

    /** Changes the details of event {@code seq}; answers what restores it. */
    @POST
    @Path("update/{seq}")
    @Produces(MediaType.APPLICATION_JSON)
    public String update(@PathParam("seq") long seq) throws SQLException {
        try (Connection c = ds.getConnection()) {
            lift(c, true);
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit_event SET details = ? WHERE seq = ?")) {
                ps.setString(1, "{\"forged\":true}");
                ps.setLong(2, seq);
                ps.executeUpdate();
            } finally {
                lift(c, false);
            }
        }
        return "{}";
    }

    /** Deletes event {@code seq}; answers the row, for {@link #restore}. */
    @POST
    @Path("delete/{seq}")
    @Produces(MediaType.APPLICATION_JSON)
    public String delete(@PathParam("seq") long seq) throws SQLException {
        try (Connection c = ds.getConnection()) {
            lift(c, true);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_event WHERE seq = ?")) {
                ps.setLong(1, seq);
                ps.executeUpdate();
            } finally {
                lift(c, false);
            }
        }
        return "{}";
    }

    /**
     * Inserts a well-formed event after the last one, its hash computed by the documented formula (SHA-256 of the
     * previous hash followed by the canonical event), without touching the head: a forgery only the head reveals.
     */
    @POST
    @Path("insert")
    @Produces(MediaType.APPLICATION_JSON)
    public String insert() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT seq, hash FROM audit_event ORDER BY seq DESC")) {
            r.next();
            long seq = r.getLong(1) + 1;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_event (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)")) {
                ps.setLong(1, seq);
                ps.setString(2, "2026-01-01T00:00:00.000Z");
                ps.setString(3, "intruder");
                ps.setString(4, "model.promoted");
                ps.setString(5, "model");
                ps.setString(6, "forged v1");
                ps.setString(7, "{}");
                ps.setString(8, r.getString(2));
                String canonical = "{\"action\":\"model.promoted\",\"actor\":\"intruder\",\"details\":{},\"seq\":"
                        + seq + ",\"subjectId\":\"forged v1\",\"subjectType\":\"model\","
                        + "\"time\":\"2026-01-01T00:00:00.000Z\"}";
                ps.setString(9, sha256(r.getString(2) + canonical));
                ps.executeUpdate();
            }
            return Json.createObjectBuilder().add("seq", seq).build().toString();
        }
    }

    /**
     * Rewrites the details of event {@code seq} and then, as an attacker who knows the documented formula would,
     * recomputes the hash of that event and of every later one and the head, so that the plain chain is whole again.
     * The MACs cannot be recomputed without the ledger key: {@code strip} removes them instead of leaving them. The
     * rows from {@code seq} on and the head are saved first, for {@link #undoRewrite}.
     */
    @POST
    @Path("rewrite/{seq}/{strip}")
    @Produces(MediaType.APPLICATION_JSON)
    public String rewrite(@PathParam("seq") long seq, @PathParam("strip") boolean strip) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            String previous = saveFrom(s, seq);
            lift(c, true);
            try {
                java.util.List<Object[]> rows = new java.util.ArrayList<>();
                try (ResultSet r = s.executeQuery("SELECT seq, event_time, actor, action, subject_type, subject_id,"
                        + " details FROM audit_event WHERE seq >= " + seq + " ORDER BY seq")) {
                    while (r.next()) {
                        rows.add(new Object[] {r.getLong(1), r.getString(2), r.getString(3), r.getString(4),
                            r.getString(5), r.getString(6), r.getString(7)});
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE audit_event SET details = ?, prev_hash = ?,"
                        + " hash = ?" + (strip ? ", key_id = NULL, mac = NULL" : "") + " WHERE seq = ?")) {
                    for (Object[] row : rows) {
                        long at = (Long) row[0];
                        String details = at == seq ? "{\"forged\":true}" : (String) row[6];
                        String canonical = "{\"action\":" + text(row[3]) + ",\"actor\":" + text(row[2])
                                + ",\"details\":" + details + ",\"seq\":" + at + ",\"subjectId\":" + text(row[5])
                                + ",\"subjectType\":" + text(row[4]) + ",\"time\":" + text(row[1]) + "}";
                        String hash = sha256(previous + canonical);
                        ps.setString(1, details);
                        ps.setString(2, previous);
                        ps.setString(3, hash);
                        ps.setLong(4, at);
                        ps.executeUpdate();
                        previous = hash;
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET last_hash = ?")) {
                    ps.setString(1, previous);
                    ps.executeUpdate();
                }
            } finally {
                lift(c, false);
            }
        }
        return "{}";
    }

    /**
     * Deletes the events from {@code seq} on and moves the head back to the event before, so that the chain and the
     * head agree: a deletion only the anchors outside the database reveal. Saved for {@link #undoRewrite}.
     */
    @POST
    @Path("drop-tail/{seq}")
    @Produces(MediaType.APPLICATION_JSON)
    public String dropTail(@PathParam("seq") long seq) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            String previous = saveFrom(s, seq);
            lift(c, true);
            try {
                s.execute("DELETE FROM audit_event WHERE seq >= " + seq);
                try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET last_seq = ?, last_hash = ?")) {
                    ps.setLong(1, seq - 1);
                    ps.setString(2, previous);
                    ps.executeUpdate();
                }
            } finally {
                lift(c, false);
            }
        }
        return "{}";
    }

    /** Puts back what {@link #rewrite} or {@link #dropTail} changed. */
    @POST
    @Path("undo-rewrite")
    @Produces(MediaType.APPLICATION_JSON)
    public String undoRewrite() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            if (!tableExists(c, "it_audit_rewritten")) {
                return "{}";
            }
            lift(c, true);
            try {
                s.execute("DELETE FROM audit_event WHERE seq IN (SELECT seq FROM it_audit_rewritten)");
                s.execute("INSERT INTO audit_event (" + COLUMNS + ") SELECT " + COLUMNS + " FROM it_audit_rewritten");
                s.execute("UPDATE audit_head SET last_hash = (SELECT last_hash FROM it_audit_head_saved),"
                        + " last_seq = (SELECT last_seq FROM it_audit_head_saved)");
                s.execute("DROP TABLE it_audit_rewritten");
                s.execute("DROP TABLE it_audit_head_saved");
            } finally {
                lift(c, false);
            }
        }
        return "{}";
    }

    /** Saves the events from {@code seq} on and the head, for {@link #undoRewrite}; answers event seq's previous hash. */
    private static String saveFrom(Statement s, long seq) throws SQLException {
        s.execute("DROP TABLE IF EXISTS it_audit_rewritten");
        s.execute("DROP TABLE IF EXISTS it_audit_head_saved");
        s.execute("CREATE TABLE it_audit_rewritten AS SELECT " + COLUMNS + " FROM audit_event WHERE seq >= " + seq);
        s.execute("CREATE TABLE it_audit_head_saved AS SELECT id, last_seq, last_hash FROM audit_head");
        try (ResultSet r = s.executeQuery("SELECT prev_hash FROM audit_event WHERE seq = " + seq)) {
            r.next();
            return r.getString(1);
        }
    }

    private static boolean tableExists(Connection c, String name) throws SQLException {
        try (ResultSet r = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (r.next()) {
                if (r.getString("TABLE_NAME").equalsIgnoreCase(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String text(Object value) {
        return io.tuneledger.audit.CanonicalJson.of(Json.createValue((String) value));
    }

    /** Copies event {@code seq} to a side table, to restore it after tampering. */
    @POST
    @Path("save/{seq}")
    @Produces(MediaType.APPLICATION_JSON)
    public String save(@PathParam("seq") long seq) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS it_audit_saved");
            s.execute("CREATE TABLE it_audit_saved AS SELECT " + COLUMNS + " FROM audit_event WHERE seq = " + seq);
        }
        return "{}";
    }

    /** Puts the saved event back (and removes any event after the head, i.e. an inserted one). */
    @POST
    @Path("restore/{seq}")
    @Produces(MediaType.APPLICATION_JSON)
    public String restore(@PathParam("seq") long seq) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            lift(c, true);
            try {
                s.execute("DELETE FROM audit_event WHERE seq = " + seq);
                s.execute("INSERT INTO audit_event (" + COLUMNS + ") SELECT " + COLUMNS + " FROM it_audit_saved");
                s.execute("DELETE FROM audit_event WHERE seq > (SELECT last_seq FROM audit_head)");
            } finally {
                lift(c, false);
            }
        }
        return "{}";
    }

    /**
     * Undoes whatever a tamper test left behind (a test killed half-way would otherwise leave the persistent
     * PostgreSQL ledger broken for every later run): puts the saved event back, removes events past the head, drops
     * the side table.
     */
    @POST
    @Path("repair")
    @Produces(MediaType.APPLICATION_JSON)
    public String repair() throws SQLException {
        undoRewrite();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            boolean saved;
            try (ResultSet r = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                saved = false;
                while (r.next()) {
                    saved |= r.getString("TABLE_NAME").equalsIgnoreCase("it_audit_saved");
                }
            }
            lift(c, true);
            try {
                if (saved) {
                    s.execute("DELETE FROM audit_event WHERE seq IN (SELECT seq FROM it_audit_saved)");
                    s.execute("INSERT INTO audit_event (" + COLUMNS + ") SELECT " + COLUMNS + " FROM it_audit_saved");
                    s.execute("DROP TABLE it_audit_saved");
                }
                s.execute("DELETE FROM audit_event WHERE seq > (SELECT last_seq FROM audit_head)");
            } finally {
                lift(c, false);
            }
        }
        return "{}";
    }

    /** Tries an UPDATE as the application's role, protection in place; answers whether the database refused it. */
    @POST
    @Path("plain-update/{seq}")
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject plainUpdate(@PathParam("seq") long seq) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE audit_event SET actor = actor WHERE seq = ?")) {
            ps.setLong(1, seq);
            ps.executeUpdate();
            return Json.createObjectBuilder().add("refused", false).build();
        } catch (SQLException e) {
            return Json.createObjectBuilder().add("refused", true).add("error", e.getMessage()).build();
        }
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void lift(Connection c, boolean lift) throws SQLException {
        if (!c.getMetaData().getDatabaseProductName().equals("PostgreSQL")) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE audit_event " + (lift ? "DISABLE" : "ENABLE") + " TRIGGER USER");
        }
    }
}
