package io.tuneledger.audit;

import io.tuneledger.config.LogId;
import io.tuneledger.ml.ModelEngine;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.jar.JarFile;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * At deployment: protects the ledger table on PostgreSQL (a trigger refuses UPDATE, DELETE and TRUNCATE for every
 * role that does not disable it, the application's own included), creates the chain's head row, opens the ledger's
 * keys and anchor file ({@link LedgerTrust}), records the boot with the versions of WildFly, JBeret, DJL, PyTorch, Java
 * and the database, and anchors the head.
 */
@ApplicationScoped
public class AuditBoot {

    private static final Logger LOG = Logger.getLogger(AuditBoot.class.getName());

    /** The PostgreSQL statements that make {@code audit_event} append-only. */
    static final String[] POSTGRESQL_PROTECTION = {
        "CREATE OR REPLACE FUNCTION tuneledger_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN RAISE EXCEPTION 'the audit ledger is append-only: % refused', TG_OP; END $$",
        "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW"
                + " EXECUTE FUNCTION tuneledger_audit_append_only()",
        "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
        "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT"
                + " EXECUTE FUNCTION tuneledger_audit_append_only()"};

    @Resource(lookup = "java:jboss/datasources/TuneledgerDS")
    DataSource dataSource;

    @Inject
    AuditLedger ledger;

    @Inject
    ModelEngine engine;

    @Inject
    LedgerTrust trust;

    void boot(@Observes @Initialized(ApplicationScoped.class) Object started) {
        String database;
        try (Connection c = dataSource.getConnection()) {
            database = c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
            if (c.getMetaData().getDatabaseProductName().equals("PostgreSQL")) {
                try (Statement s = c.createStatement()) {
                    for (String sql : POSTGRESQL_PROTECTION) {
                        s.execute(sql);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot protect the audit ledger table: " + e.getMessage(), e);
        }
        ledger.ensureHead();
        trust.prepare(ledger.head().seq());
        JsonObjectBuilder versions = Json.createObjectBuilder()
                .add("wildfly", wildflyVersion())
                .add("jberet", moduleVersion("org.jberet.runtime.JobExecutionImpl"))
                .add("java", Runtime.version().toString())
                .add("database", database);
        try {
            engine.versions().forEach(versions::add);
        } catch (RuntimeException | LinkageError e) {
            versions.add("engine", "unavailable: " + e.getMessage());
        }
        try {
            ledger.append(AuditLedger.SYSTEM, AuditAction.SYSTEM_BOOT, SubjectType.SYSTEM, "tuneledger",
                    Json.createObjectBuilder().add("versions", versions).build());
            LOG.info(LogId.LEDGER_READY + " Audit ledger ready; boot recorded");
            trust.start();
        } catch (RuntimeException e) {
            // Stay deployed, so that GET /api/audit/verify can say what is wrong; appends keep failing until fixed.
            LOG.log(java.util.logging.Level.SEVERE, LogId.LEDGER_BOOT_REFUSED + " The audit ledger refused the boot"
                    + " event; check it with"
                    + " GET /api/audit/verify", e);
        }
    }

    /** The provisioned server's product version, from the manifest of its product module's jar. */
    static String wildflyVersion() {
        Path dir = Path.of(System.getProperty("jboss.home.dir", "."), "modules", "system", "layers", "base", "org",
                "jboss", "as", "product", "main");
        try (var jars = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path jar : jars) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    String version = file.getManifest() == null ? null
                            : file.getManifest().getMainAttributes().getValue("JBoss-Product-Release-Version");
                    if (version != null) {
                        return version;
                    }
                }
            }
        } catch (java.io.IOException e) {
            // fall through
        }
        return "unknown";
    }

    /** The version in the name of the JBoss Modules class loader of a class ({@code module@version}). */
    static String moduleVersion(String className) {
        try {
            ClassLoader loader = Class.forName(className).getClassLoader();
            String name = loader == null ? null : loader.getName();
            return name != null && name.contains("@") ? name.substring(name.indexOf('@') + 1) : "unknown";
        } catch (ClassNotFoundException e) {
            return "unknown";
        }
    }
}
