package io.tuneledger.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * Base of the tests that stop, kill and start the server themselves, on Arquillian's manual container (their own
 * failsafe execution, see pom.xml): {@link #startServer()}, {@link #killServer()}, {@link #restartServer()}.
 */
abstract class ManualServerIT extends AbstractIT {

    static final String CONTAINER = "wildfly-manual";
    static final String APP = "app";

    @ArquillianResource
    ContainerController controller;

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = APP, managed = false, testable = false)
    @TargetsContainer(CONTAINER)
    static WebArchive deployment() {
        return TestDeployments.application();
    }

    /** Starts the server and deploys the application (it stays deployed across restarts). */
    void startServer() {
        controller.start(CONTAINER);
        deployer.deploy(APP);
    }

    /** A clean stop, then a start. */
    void restartServer() {
        controller.stop(CONTAINER);
        controller.start(CONTAINER);
    }

    /** Undeploys and stops; for a finally block. */
    void stopServer() {
        try {
            deployer.undeploy(APP);
        } finally {
            controller.stop(CONTAINER);
        }
    }

    /**
     * SIGKILL to the server this test JVM started: no shutdown hooks, nothing flushed, like a power cut for the JVM.
     * The container is then marked stopped so that {@link #controller} can start it again.
     */
    void killServer() throws Exception {
        List<ProcessHandle> servers = ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("jboss-modules.jar")).toList();
        assertEquals(1, servers.size(), "one server process to kill");
        ProcessHandle server = servers.get(0);
        assertTrue(server.destroyForcibly());
        server.onExit().get();
        controller.stop(CONTAINER);
    }
}
