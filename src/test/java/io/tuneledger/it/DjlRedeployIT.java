package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DJL inside WildFly: the PyTorch engine loads offline from the ai.djl module, the all-MiniLM-L6-v2 tokenizer from its
 * Maven jar encodes a sentence, an NDArray operation runs; and all of it still works after the WAR is undeployed and
 * deployed again (a native library loaded by a WAR's class loader cannot be loaded a second time).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DjlRedeployIT extends AbstractIT {

    private static final String APP = "app";

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = APP, managed = false, testable = false)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    @Test
    void engineTokenizerAndNdarrayWorkBeforeAndAfterRedeploy() throws Exception {
        deployer.deploy(APP);
        try {
            assertEngineWorks();
            deployer.undeploy(APP);
            assertEquals(404, get("/api/system/engine").status(), "the application is gone while undeployed");
            deployer.deploy(APP);
            assertEngineWorks();
        } finally {
            deployer.undeploy(APP);
        }
    }

    private static void assertEngineWorks() throws Exception {
        Reply reply = get("/api/system/engine?sentence=Tuneledger%20fine-tunes%20language%20models.");
        assertEquals(200, reply.status(), reply::text);
        JsonObject report = reply.object();
        assertEquals("PyTorch", report.getString("engine"));
        assertEquals("2.7.1", report.getString("engineVersion"));
        assertEquals("0.36.0", report.getString("djlVersion"));
        assertTrue(report.getBoolean("offline"), "DJL runs offline");
        assertTrue(report.getString("djlLoadedBy").contains("Module \"ai.djl\""),
                "DJL comes from the server module, not the WAR: " + report.getString("djlLoadedBy"));
        List<String> tokens = report.getJsonArray("tokens").getValuesAs(JsonString::getString);
        assertEquals(List.of("[CLS]", "tune", "##led", "##ger", "fine", "-", "tunes", "language", "models", ".", "[SEP]"),
                tokens);
        assertEquals(101, report.getJsonArray("tokenIds").getJsonNumber(0).longValue(), "[CLS] id of the BERT vocab");
        assertEquals(54.0, report.getJsonNumber("ndarrayResult").doubleValue(), 1e-6);
    }
}
