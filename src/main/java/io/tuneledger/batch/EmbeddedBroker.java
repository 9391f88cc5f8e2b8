package io.tuneledger.batch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * The broker of an installation's servers (Artemis), embedded in the server that {@code tuneledger.broker.url} names:
 * its acceptor at that address, its journal (persistent messages: a partition sent survives the broker's restart) in
 * this server's data directory, the two queues of {@link JmsPartitions}. A partition handed back (its worker died) is
 * delivered again after a second, however often.
 */
final class EmbeddedBroker {

    private final EmbeddedActiveMQ broker = new EmbeddedActiveMQ();

    private EmbeddedBroker() {
    }

    /**
     * Starts the broker when the URL names this machine and its port is free; null when it names another machine (or
     * a name that does not resolve yet) or another server here holds the port (that one is the broker).
     */
    static EmbeddedBroker startIfHere(URI url, Path directory) throws Exception {
        InetAddress host;
        try {
            host = InetAddress.getByName(url.getHost());
        } catch (UnknownHostException notYet) {
            return null;
        }
        if (!(host.isLoopbackAddress() || host.isAnyLocalAddress() || NetworkInterface.getByInetAddress(host) != null)) {
            return null;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, url.getPort()));
        } catch (IOException taken) {
            return null;
        }
        Configuration config = new ConfigurationImpl().setName("tuneledger").setPersistenceEnabled(true)
                .setSecurityEnabled(false).setJournalType(JournalType.NIO)
                .setJournalDirectory(directory.resolve("journal").toString())
                .setBindingsDirectory(directory.resolve("bindings").toString())
                .setPagingDirectory(directory.resolve("paging").toString())
                .setLargeMessagesDirectory(directory.resolve("large-messages").toString())
                .setJMXManagementEnabled(false)
                .addAcceptorConfiguration("tuneledger", "tcp://" + url.getHost() + ":" + url.getPort())
                .addAddressSetting("#", new AddressSettings().setMaxDeliveryAttempts(-1).setRedeliveryDelay(1000));
        for (String queue : new String[] {JmsPartitions.PARTITIONS, JmsPartitions.RESULTS}) {
            config.addQueueConfiguration(QueueConfiguration.of(queue).setAddress(queue)
                    .setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
        EmbeddedBroker embedded = new EmbeddedBroker();
        embedded.broker.setConfiguration(config);
        embedded.broker.start();
        return embedded;
    }

    void stop() throws Exception {
        broker.stop();
    }
}
