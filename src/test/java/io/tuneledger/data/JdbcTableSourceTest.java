package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcTableSourceTest {

    JdbcDataSource ds;

    @BeforeEach
    void table() throws Exception {
        ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:jdbc" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE tickets (ticket_id BIGINT PRIMARY KEY, body CLOB, category VARCHAR(20))");
            for (int i = 1; i <= 25; i++) {
                s.execute("INSERT INTO tickets VALUES (" + (i * 10) + ", 'text " + i + "', "
                        + (i == 7 ? "NULL" : "'c" + (i % 3) + "'") + ")");
            }
        }
    }

    @Test
    void readsEveryRowInKeyOrderAcrossPagesAndResumes() throws Exception {
        FieldMapping f = new FieldMapping("ticket_id", "body", "category");
        JdbcTableSource table = JdbcTableSource.open(ds, "tickets", f, 4);
        List<IngestOutcome> all = new ArrayList<>();
        SourcePosition at10 = null;
        try (JdbcRecordSource s = new JdbcRecordSource(table, null)) {
            IngestOutcome o;
            while ((o = s.next()) != null) {
                all.add(o);
                if (all.size() == 10) {
                    at10 = s.position();
                }
            }
        }
        assertEquals(25, all.size());
        assertEquals(IngestOutcome.Quarantined.class, all.get(6).getClass());
        assertEquals(QuarantineReason.MISSING_LABEL, ((IngestOutcome.Quarantined) all.get(6)).reason());
        assertEquals("text 1", ((IngestOutcome.Accepted) all.get(0)).record().text());
        List<IngestOutcome> rest = new ArrayList<>();
        try (JdbcRecordSource s = new JdbcRecordSource(table, at10)) {
            IngestOutcome o;
            while ((o = s.next()) != null) {
                rest.add(o);
            }
        }
        assertEquals(15, rest.size());
        assertEquals("110", ((IngestOutcome.Accepted) rest.get(0)).record().id());
        assertEquals(11, rest.get(0).lineNumber());
    }

    @Test
    void namesAreCheckedBeforeAnySqlRuns() {
        FieldMapping ok = new FieldMapping("ticket_id", "body", "category");
        assertEquals("input.table", assertThrows(JdbcTableSource.InvalidInput.class,
                () -> JdbcTableSource.open(ds, "tickets; DROP TABLE tickets", ok, 10)).parameter());
        assertEquals("input.table", assertThrows(JdbcTableSource.InvalidInput.class,
                () -> JdbcTableSource.open(ds, "missing", ok, 10)).parameter());
        assertEquals("text.field", assertThrows(JdbcTableSource.InvalidInput.class,
                () -> JdbcTableSource.open(ds, "tickets", new FieldMapping("ticket_id", "nope", "category"), 10))
                .parameter());
        assertEquals("label.field", assertThrows(JdbcTableSource.InvalidInput.class,
                () -> JdbcTableSource.open(ds, "tickets", new FieldMapping("ticket_id", "body", "x) OR (1=1"), 10))
                .parameter());
    }
}
