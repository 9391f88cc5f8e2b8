package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sign-in against a directory, for real: an in-memory LDAP directory (UnboundID's) with people and groups, and a copy
 * of the provisioned server configured by wildfly-config/ldap-realm.cli (offline, as an operator would) to sign users
 * in by binding as them and to map their groups to the three roles. The properties realm of the provisioned server
 * itself is left as it is.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LdapRealmIT extends AbstractIT {

    static final String CONTAINER = "wildfly-ldap";
    static final String APP = "app";
    static final String BASE = "dc=tuneledger,dc=test";
    static final String PASSWORD = "directory-" + RUN;

    @ArquillianResource
    ContainerController controller;

    @ArquillianResource
    Deployer deployer;

    static InMemoryDirectoryServer directory;

    @Deployment(name = APP, managed = false, testable = false)
    @TargetsContainer(CONTAINER)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    /** The directory, then the server copy that signs in against it. */
    @BeforeAll
    static void directoryAndServer() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        config.addAdditionalBindCredentials("cn=tuneledger-reader", "reader-" + RUN);
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap",
                InetAddress.getByName("127.0.0.1"), 0, null));
        config.setSchema(null); // the entries below are checked by the server, not by a schema
        directory = new InMemoryDirectoryServer(config);
        directory.add("dn: " + BASE, "objectClass: domain", "dc: tuneledger");
        directory.add("dn: ou=people," + BASE, "objectClass: organizationalUnit", "ou: people");
        directory.add("dn: ou=groups," + BASE, "objectClass: organizationalUnit", "ou: groups");
        for (String user : List.of("ada", "olli", "audrey", "nemo")) {
            directory.add("dn: uid=" + user + ",ou=people," + BASE, "objectClass: inetOrgPerson", "uid: " + user,
                    "cn: " + user, "sn: " + user, "userPassword: " + PASSWORD);
        }
        group("tuneledger-admins", "ada");
        group("tuneledger-operators", "olli", "ada");
        group("tuneledger-auditors", "audrey");
        group("sales", "nemo", "olli");
        directory.startListening();

        Path server = Path.of(System.getProperty("jboss.home"));
        Path copy = Path.of(server + "-ldap");
        // Arquillian's container needs the directory to exist before this runs (pom.xml makes it): empty it, not remove
        run("mkdir -p '" + copy + "' && find '" + copy + "' -mindepth 1 -delete && cd '" + server + "' && tar cf - --exclude=./modules"
                + " --exclude=./standalone/data --exclude=./standalone/tmp --exclude=./standalone/log"
                // a new installation: a new database, so new ledger keys and anchors too
                + " --exclude=./standalone/configuration/tuneledger . | (cd '" + copy
                + "' && tar xf -) && ln -s '" + server.resolve("modules") + "' '" + copy.resolve("modules") + "'");
        Path commands = Files.createTempFile("ldap-realm", ".cli");
        Files.writeString(commands, String.join("\n",
                "embed-server --server-config=standalone.xml --std-out=discard",
                "set ldapUrl=ldap://127.0.0.1:" + directory.getListenPort(),
                "set ldapBindDn=\"cn=tuneledger-reader\"",
                "set ldapBindPassword=reader-" + RUN,
                "set ldapUsersDn=\"ou=people," + BASE + "\"",
                "set ldapGroupsDn=\"ou=groups," + BASE + "\"",
                Files.readString(Path.of("wildfly-config", "ldap-realm.cli")),
                "stop-embedded-server", ""), StandardCharsets.UTF_8);
        run("'" + copy.resolve("bin/jboss-cli.sh") + "' --file='" + commands + "'");
        Files.delete(commands);
    }

    private static void group(String name, String... members) throws Exception {
        String[] entry = new String[3 + members.length];
        entry[0] = "dn: cn=" + name + ",ou=groups," + BASE;
        entry[1] = "objectClass: groupOfNames";
        entry[2] = "cn: " + name;
        for (int i = 0; i < members.length; i++) {
            entry[3 + i] = "member: uid=" + members[i] + ",ou=people," + BASE;
        }
        directory.add(entry);
    }

    private static void run(String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), command);
        assertEquals(0, p.exitValue(), command + ": " + out);
    }

    @AfterAll
    static void stopDirectory() {
        if (directory != null) {
            directory.shutDown(true);
        }
    }

    private static RawHttps.Response as(String user, String password, String method, String path) throws Exception {
        return RawHttps.send("127.0.0.1", BASE_URL, method, path,
                Map.of("Authorization", basicAuth(user, password), "Accept", "application/json",
                        "Content-Type", "application/json"), method.equals("POST") ? "{}".getBytes() : null);
    }

    private static List<String> roles(String user) throws Exception {
        RawHttps.Response me = as(user, PASSWORD, "GET", "/api/system/me");
        assertEquals(200, me.status(), user + ": " + me.body());
        try (var r = Json.createReader(new StringReader(me.body()))) {
            JsonObject o = r.readObject();
            assertEquals(user, o.getString("user"));
            return o.getJsonArray("roles").getValuesAs(JsonString.class).stream().map(JsonString::getString)
                    .sorted().toList();
        }
    }

    @Test
    void directoryUsersSignInWithTheRolesTheirGroupsMapTo() throws Exception {
        controller.start(CONTAINER);
        try {
            deployer.deploy(APP);
            try {
                assertEquals(List.of("admin", "operator"), roles("ada"));
                assertEquals(List.of("operator"), roles("olli"), "the group sales maps to no role");
                assertEquals(List.of("auditor"), roles("audrey"));
                RawHttps.Response nemo = as("nemo", PASSWORD, "GET", "/api/system/me");
                assertEquals(403, nemo.status(), "in the directory, but only in a group with no role: " + nemo.body());
                assertTrue(nemo.body().contains("has no role"), nemo.body());

                RawHttps.Response launch = as("olli", PASSWORD, "POST", "/api/jobs/prepare-dataset/executions");
                assertEquals(400, launch.status(), "an operator gets past authorisation: " + launch.body());
                assertEquals(403, as("olli", PASSWORD, "GET", "/api/audit/verify").status());
                assertEquals(403, as("audrey", PASSWORD, "POST", "/api/jobs/prepare-dataset/executions").status());
                RawHttps.Response verify = as("audrey", PASSWORD, "GET", "/api/audit/verify");
                assertEquals(200, verify.status(), verify.body());
                assertTrue(verify.body().contains("\"valid\":true"), verify.body());

                assertEquals(401, as("olli", "wrong-" + PASSWORD, "GET", "/api/system").status());
                assertEquals(401, as("nobody", PASSWORD, "GET", "/api/system").status(), "not in the directory");
                assertEquals(401, as("admin", "anything", "GET", "/api/system").status(),
                        "the properties realm's users are not this server's any more");
                assertEquals(200, as("olli", PASSWORD, "GET", "/api/system").status(),
                        "a wrong password locked nobody out");
            } finally {
                deployer.undeploy(APP);
            }
        } finally {
            controller.stop(CONTAINER);
        }
    }
}
