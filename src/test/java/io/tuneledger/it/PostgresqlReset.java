package io.tuneledger.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Before the integration tests on PostgreSQL ({@code mvn verify -Ppostgresql}): drops the {@code tuneledger} schema of
 * the test database, so that the freshly provisioned server starts from an empty database as a new installation does.
 * The server's ledger keys are made with the server (wildfly-config, {@code LedgerTrust}): a ledger left by an earlier
 * run was signed with keys that are gone, and its verification would rightly fail. Same database settings as the
 * server's datasource: {@code TUNELEDGER_DB_URL}, {@code TUNELEDGER_DB_USER}.
 */
public final class PostgresqlReset {

    private PostgresqlReset() {
    }

    public static void main(String[] args) throws SQLException {
        String url = System.getenv().getOrDefault("TUNELEDGER_DB_URL",
                "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=tuneledger");
        String user = System.getenv().getOrDefault("TUNELEDGER_DB_USER", "postgres");
        try (Connection c = DriverManager.getConnection(url, user, System.getenv("TUNELEDGER_DB_PASSWORD"));
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS tuneledger CASCADE");
        }
        System.out.println("PostgresqlReset: schema tuneledger dropped in " + url);
    }
}
