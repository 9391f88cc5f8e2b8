package io.tuneledger.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.batch.runtime.BatchStatus;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSConsumer;
import jakarta.jms.Message;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.management.BadAttributeValueExpException;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jberet.runtime.PartitionExecutionImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker of an installation's servers: embedded by the server that its URL names and only by one, its partition
 * queue holding a message until a transacted consumer commits (a consumer that dies without committing hands it on),
 * a message that cannot be read failing its partition, and a message body that holds a known deserialization gadget
 * refused.
 */
class EmbeddedBrokerTest {

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void oneServerEmbedsTheBrokerItsUrlNamesAndAPartitionOutlivesAConsumerThatDidNotCommit() throws Exception {
        URI url = URI.create("tcp://127.0.0.1:" + freePort());
        assertNull(EmbeddedBroker.startIfHere(URI.create("tcp://192.0.2.1:" + url.getPort()), dir.resolve("x")),
                "an address of another machine: not here");
        assertNull(EmbeddedBroker.startIfHere(URI.create("tcp://no-such-host.invalid:" + url.getPort()),
                dir.resolve("y")), "a name that does not resolve (yet): not here");
        EmbeddedBroker broker = EmbeddedBroker.startIfHere(url, dir.resolve("broker"));
        assertNotNull(broker);
        try {
            assertNull(EmbeddedBroker.startIfHere(url, dir.resolve("other")), "the port is taken: another's broker");
            assertEquals(List.of(), list(dir.resolve("other")));
            ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url + "?consumerWindowSize=0");
            try (JMSContext producer = factory.createContext()) {
                producer.createProducer().send(producer.createQueue(JmsPartitions.PARTITIONS), new byte[] {1, 2, 3});
            }
            try (JMSContext dying = factory.createContext(JMSContext.SESSION_TRANSACTED);
                    JMSConsumer consumer = dying.createConsumer(dying.createQueue(JmsPartitions.PARTITIONS))) {
                assertNotNull(consumer.receive(5000));
                // closed without a commit, as a worker that dies
            }
            try (JMSContext worker = factory.createContext(JMSContext.SESSION_TRANSACTED);
                    JMSConsumer consumer = worker.createConsumer(worker.createQueue(JmsPartitions.PARTITIONS))) {
                Message again = consumer.receive(10000);
                assertNotNull(again, "handed on");
                assertArrayEquals(new byte[] {1, 2, 3}, again.getBody(byte[].class));
                assertEquals(2, again.getIntProperty("JMSXDeliveryCount"));
                worker.commit();
                assertNull(consumer.receiveNoWait(), "once committed, gone");

                // A partition message that cannot be read fails its partition instead of leaving its job waiting.
                Message unreadable = worker.createBytesMessage();
                unreadable.setLongProperty(JmsPartitions.STEP_EXECUTION, 41);
                unreadable.setIntProperty(JmsPartitions.PARTITION, 3);
                unreadable.setStringProperty(JmsPartitions.STEP, "score");
                PartitionExecutionImpl failed = JmsPartitions.unreadable(unreadable, new IOException("damaged"));
                assertEquals(3, failed.getPartitionId());
                assertEquals(41, failed.getStepExecutionId());
                assertEquals(BatchStatus.FAILED, failed.getBatchStatus());
                assertTrue(failed.getException().getMessage().contains("damaged"));
                assertNull(JmsPartitions.unreadable(worker.createBytesMessage(), new IOException("x")),
                        "collector data names no partition");
            }
        } finally {
            broker.stop();
        }
    }

    @Test
    void aMessageHoldingAKnownGadgetIsRefused() throws Exception {
        JmsPartitions partitions = new JmsPartitions("tcp://127.0.0.1:1", null);
        ArrayList<String> fine = new ArrayList<>(List.of("a", "b"));
        assertEquals(fine, partitions.read(JmsPartitions.write(fine)));
        byte[] gadget = JmsPartitions.write(new BadAttributeValueExpException("x"));
        assertThrows(IOException.class, () -> partitions.read(gadget));
    }

    private static List<Path> list(Path d) throws IOException {
        if (!Files.exists(d)) {
            return List.of();
        }
        try (var s = Files.list(d)) {
            return s.toList();
        }
    }
}
