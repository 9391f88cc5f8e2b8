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
import org.junit.jupiter.api.AfterEach;

/**
 * Base of the tests that stop, kill and start the server themselves, on Arquillian's manual container (their own
 * failsafe execution, see pom.xml): {@link #startServer()}, {@link #killServer()}, {@link #restartServer()}. The tests
 * of a class share one server process where they can: each deploys the application and undeploys it after itself,
 * and the server stops after the class.
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

    /** Whether this test deployed the application. */
    private boolean deployed;

    /** Starts the server unless an earlier test of the class left it running, and deploys the application. */
    void startServer() {
        if (!controller.isStarted(CONTAINER)) {
            controller.start(CONTAINER);
        }
        deployer.deploy(APP);
        deployed = true;
    }

    /** A clean stop, then a start. */
    void restartServer() {
        controller.stop(CONTAINER);
        controller.start(CONTAINER);
    }

    /**
     * Undeploys the application after each test (starting the server again if the test left it killed) and leaves the
     * server running for the next test; Arquillian stops it after the class.
     */
    @AfterEach
    void undeploy() {
        if (!deployed) {
            return;
        }
        if (!controller.isStarted(CONTAINER)) {
            controller.start(CONTAINER);
        }
        deployer.undeploy(APP);
    }

    /**
     * SIGKILL to the server this test JVM started: no shutdown hooks, nothing flushed, like a power cut for the JVM.
     * The container is then marked stopped so that {@link #controller} can start it again.
     */
    void killServer() throws Exception {
        ProcessHandle server = serverProcess();
        assertTrue(server.destroyForcibly());
        server.onExit().get();
        controller.stop(CONTAINER);
    }

    /**
     * SIGTERM to the server, as systemd or Kubernetes stop it: it suspends (running jobs stop at their next checkpoint)
     * and exits on its own. The container is then marked stopped.
     */
    void terminateServer() throws Exception {
        ProcessHandle server = serverProcess();
        assertTrue(server.destroy());
        server.onExit().get(3, java.util.concurrent.TimeUnit.MINUTES);
        controller.stop(CONTAINER);
    }

    private static ProcessHandle serverProcess() {
        List<ProcessHandle> servers = ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("jboss-modules.jar")).toList();
        assertEquals(1, servers.size(), "one server process");
        return servers.get(0);
    }
}
