package io.tuneledger.data;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Reads labelled texts from a database table in pages ordered by the id column (keyset paging: each page starts
 * after the last id of the one before, so the position is one value and memory stays flat whatever the table's size).
 * No SQL text comes from parameters: the table and column names must be plain identifiers and must exist; they are
 * checked before any work. The id column must be unique.
 */
public final class JdbcTableSource {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern TABLE = Pattern.compile(IDENTIFIER.pattern() + "(?:\\." + IDENTIFIER.pattern() + ")?");

    /** One row: its key (the id column's value as the driver returns it), and id, text and label as text. */
    public record Row(Serializable key, String id, String text, String label) {
    }

    /** A parameter that names something the database does not have, or is not an identifier. */
    public static final class InvalidInput extends Exception {
        private final String parameter;

        public InvalidInput(String parameter, String message) {
            super(message);
            this.parameter = parameter;
        }

        public String parameter() {
            return parameter;
        }
    }

    private final DataSource dataSource;
    private final String table;
    private final FieldMapping fields;
    private final String select;
    private final String selectAfter;

    private JdbcTableSource(DataSource dataSource, String table, FieldMapping fields, int pageSize) {
        this.dataSource = dataSource;
        this.table = table;
        this.fields = fields;
        String columns = fields.idField() + ", " + fields.textField() + ", " + fields.labelField();
        this.select = "SELECT " + columns + " FROM " + table + " ORDER BY " + fields.idField()
                + " FETCH FIRST " + pageSize + " ROWS ONLY";
        this.selectAfter = "SELECT " + columns + " FROM " + table + " WHERE " + fields.idField() + " > ? ORDER BY "
                + fields.idField() + " FETCH FIRST " + pageSize + " ROWS ONLY";
    }

    /**
     * Checks the table and columns exist and returns a source over them.
     *
     * @throws InvalidInput naming {@code input.table} or the field parameter at fault
     */
    public static JdbcTableSource open(DataSource dataSource, String table, FieldMapping fields, int pageSize)
            throws InvalidInput {
        if (table == null || !TABLE.matcher(table).matches()) {
            throw new InvalidInput("input.table", "must be a table name (letters, digits, '_', optionally schema."
                    + "table), got '" + table + "'");
        }
        Map<String, String> columnParameters = Map.of("id.field", fields.idField(), "text.field",
                fields.textField(), "label.field", fields.labelField());
        for (Map.Entry<String, String> c : columnParameters.entrySet()) {
            if (!IDENTIFIER.matcher(c.getValue()).matches()) {
                throw new InvalidInput(c.getKey(), "must be a column name (letters, digits, '_') when input.format=jdbc,"
                        + " got '" + c.getValue() + "'");
            }
        }
        Map<String, Boolean> present = new HashMap<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                present.put(md.getColumnName(i).toLowerCase(Locale.ROOT), true);
            }
        } catch (SQLException e) {
            throw new InvalidInput("input.table", "cannot be read: " + e.getMessage());
        }
        for (String parameter : List.of("id.field", "text.field", "label.field")) {
            String column = columnParameters.get(parameter);
            if (!present.containsKey(column.toLowerCase(Locale.ROOT))) {
                throw new InvalidInput(parameter, "table " + table + " has no column '" + column + "'");
            }
        }
        return new JdbcTableSource(dataSource, table, fields, pageSize);
    }

    /** The next page of rows after {@code afterKey} ({@code null}: from the first row). Empty at the end. */
    public List<Row> page(Serializable afterKey) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(afterKey == null ? select : selectAfter)) {
            if (afterKey != null) {
                ps.setObject(1, afterKey);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object key = rs.getObject(1);
                    rows.add(new Row(key instanceof Serializable k ? k : String.valueOf(key), text(rs, 1), text(rs, 2),
                            text(rs, 3)));
                }
            }
        }
        return rows;
    }

    /** What ingest makes of a row (number {@code ordinal}, 1-based, stands for the line in reports). */
    public IngestOutcome outcome(long ordinal, Row row) {
        Map<String, String> values = new HashMap<>();
        values.put(fields.idField(), row.id());
        values.put(fields.textField(), row.text());
        values.put(fields.labelField(), row.label());
        return RecordFields.toOutcome(ordinal, fields, values::get);
    }

    public String table() {
        return table;
    }

    private static String text(ResultSet rs, int column) throws SQLException {
        Object v = rs.getObject(column);
        if (v == null) {
            return null;
        }
        if (v instanceof java.sql.Clob clob) {
            return clob.getSubString(1, (int) Math.min(Integer.MAX_VALUE, clob.length()));
        }
        return v.toString();
    }
}
