package io.tuneledger.it;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The archive the integration tests deploy: the WAR that `mvn package` built, plus the test-only fault job and table fixture. */
final class TestDeployments {

    private TestDeployments() {
    }

    static WebArchive application() {
        File war = new File(System.getProperty("tuneledger.war", "target/tuneledger.war"));
        if (!war.isFile()) {
            throw new IllegalStateException(war + " is missing: integration tests run after `mvn package`");
        }
        return ShrinkWrap.createFromZipFile(WebArchive.class, war)
                .addClasses(FaultInjectingWriter.class, FaultInjectionJob.class, TicketTableFixture.class,
                        LedgerTamperFixture.class, IdempotencyFixture.class,
                        WriteFaultFixture.class)
                .addAsResource("fault-jobs/ingest-fault-test.xml", "META-INF/batch-jobs/ingest-fault-test.xml");
    }
}
