package io.tuneledger.audit;

import io.tuneledger.config.LogId;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What makes the ledger trustworthy beyond the database: its {@link LedgerKeys} and its {@link LedgerAnchors}, both in
 * {@code tuneledger.ledger.dir} [{@code ${jboss.server.config.dir}/tuneledger}] (the anchor file may be elsewhere:
 * {@code tuneledger.ledger.anchor.file}). The head is anchored at boot, every
 * {@code tuneledger.ledger.anchor.interval.seconds} [300] when it moved, in every compliance report, and at shutdown.
 */
@ApplicationScoped
public class LedgerTrust {

    private static final Logger LOG = Logger.getLogger(LedgerTrust.class.getName());

    private static final long INTERVAL_SECONDS = Long.getLong("tuneledger.ledger.anchor.interval.seconds", 300);

    @Inject
    AuditLedger ledger;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private LedgerKeys keys;
    private LedgerAnchors anchors;
    private ScheduledFuture<?> anchoring;
    private long lastAnchoredSeq = -1;

    static Path directory() {
        String configured = System.getProperty("tuneledger.ledger.dir");
        if (configured != null) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("jboss.server.config.dir", "."), "tuneledger");
    }

    public synchronized LedgerKeys keys() {
        if (keys == null) {
            keys = LedgerKeys.open(directory());
        }
        return keys;
    }

    public synchronized LedgerAnchors anchors() {
        if (anchors == null) {
            String file = System.getProperty("tuneledger.ledger.anchor.file");
            anchors = new LedgerAnchors(file != null ? Path.of(file) : directory().resolve("ledger-anchors.jsonl"),
                    keys());
        }
        return anchors;
    }

    /**
     * At boot, before the boot event: starts the anchor file when there is none (MACs are required from the next
     * event on; a ledger written before MACs existed keeps its earlier events as they are).
     */
    void prepare(long headSeq) {
        if (!anchors().exists()) {
            anchors().create(headSeq + 1);
            LOG.info(() -> LogId.LEDGER_ANCHORS_STARTED + " Ledger anchors started in " + anchors().file()
                    + "; every event from " + (headSeq + 1) + " on is authenticated with key " + keys().currentId()
                    + " of " + keys().directory());
        }
    }

    /** After the boot event: anchors the head, then again at every interval in which it moved. */
    void start() {
        anchorHead();
        anchoring = scheduler.scheduleWithFixedDelay(() -> {
            try {
                anchorHead();
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, LogId.LEDGER_ANCHOR_FAILED + " The ledger's head could not be anchored", e);
            }
        }, INTERVAL_SECONDS, INTERVAL_SECONDS, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (anchoring != null) {
            anchoring.cancel(false);
            try {
                anchorHead();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, LogId.LEDGER_ANCHOR_FAILED + " The ledger's head could not be anchored at"
                        + " shutdown", e);
            }
        }
    }

    /** Anchors the committed head unless it is anchored already; answers the head (seq 0: an empty ledger). */
    public synchronized AuditLedger.Head anchorHead() {
        AuditLedger.Head head = ledger.head();
        if (head.seq() > 0 && head.seq() != lastAnchoredSeq) {
            String line = anchors().anchor(head.seq(), head.hash());
            lastAnchoredSeq = head.seq();
            LOG.info(() -> LogId.LEDGER_ANCHORED + " Ledger anchor " + line);
        }
        return head;
    }
}
