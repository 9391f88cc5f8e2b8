package io.tuneledger.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recomputes the chain from the first event: every sequence number present once and in order, every event's previous
 * hash equal to the hash of the event before it, every hash equal to the hash of the event's content, every event's
 * MAC equal to the HMAC of its hash with the ledger key it names ({@link LedgerKeys}: a key the database does not
 * hold), every anchored head ({@link LedgerAnchors}) equal to the event it anchors, and the head row equal to the last
 * event. Finds a changed event (content or hash), one rewritten with the whole chain recomputed (its MAC, or an
 * anchor), a deleted one (a gap, or a shorter chain than the head or an anchor records) and an inserted one, and names
 * the first event that fails.
 */
@ApplicationScoped
public class AuditVerifier {

    private static final int PAGE = 500;

    @PersistenceContext(unitName = "tuneledger")
    EntityManager em;

    @Inject
    LedgerTrust trust;

    /**
     * The outcome: valid with the number of events, or the first broken sequence number (null when what failed is not
     * an event, such as an altered anchor line) and why; the keys used, the anchors checked and the last of them, and
     * how many early events carry no MAC (written before the ledger had keys).
     */
    public record Result(boolean valid, long events, Long brokenAt, String reason, String lastHash, List<String> keyIds,
            int anchorsChecked, LedgerAnchors.Anchor lastAnchor, long unauthenticated) {
    }

    /**
     * Verifies the ledger as of one moment: the head row is read first with a shared lock held to the end, so that no
     * append commits while the events are read (an append in between would look like an inserted event).
     */
    @Transactional
    public Result verify() {
        AuditHead head = em.find(AuditHead.class, AuditHead.ID, LockModeType.PESSIMISTIC_READ);
        long headSeq = head == null ? 0 : head.lastSeq();
        String headHash = head == null ? null : head.lastHash();
        LedgerKeys keys = trust.keys();
        LedgerAnchors anchorFile = trust.anchors();
        Check check = new Check(keys.ids());
        if (!anchorFile.exists()) {
            return check.broken(0, null, "the anchor file " + anchorFile.file() + " is missing (restore it from the"
                    + " backup with the key store)");
        }
        LedgerAnchors.Contents anchors = anchorFile.read();
        Map<Long, LedgerAnchors.Anchor> anchored = new HashMap<>();
        for (LedgerAnchors.Anchor a : anchors.anchors()) {
            if (a.valid()) {
                anchored.putIfAbsent(a.seq(), a);
            }
        }
        check.anchorsChecked = anchored.size();
        check.lastAnchor = anchors.last();
        String previous = AuditEvent.GENESIS;
        long expected = 1;
        boolean macsStarted = false;
        int first = 0;
        while (true) {
            List<AuditEvent> page = em.createQuery("select e from AuditEvent e order by e.seq", AuditEvent.class)
                    .setFirstResult(first).setMaxResults(PAGE).getResultList();
            for (AuditEvent e : page) {
                if (e.seq() != expected) {
                    return check.broken(expected - 1, expected, e.seq() > expected
                            ? "event " + expected + " is missing: the next one is " + e.seq() + " (deleted)"
                            : "event " + e.seq() + " appears out of order (inserted)");
                }
                if (!e.prevHash().equals(previous)) {
                    return check.broken(expected - 1, e.seq(), "event " + e.seq() + ": its previous hash is not the"
                            + " hash of event " + (e.seq() - 1) + " (an event before it was inserted, deleted or"
                            + " re-hashed)");
                }
                if (!e.computeHash().equals(e.hash())) {
                    return check.broken(expected - 1, e.seq(), "event " + e.seq() + ": its content does not match"
                            + " its hash (changed after it was written)");
                }
                if (e.keyId() == null && e.mac() == null && !macsStarted && e.seq() < anchors.macFrom()) {
                    check.unauthenticated++;
                } else if (e.keyId() == null || e.mac() == null) {
                    return check.broken(expected - 1, e.seq(), "event " + e.seq() + " carries no MAC: it was"
                            + " inserted or rewritten outside the application");
                } else {
                    macsStarted = true;
                    String mac = keys.mac(e.keyId(), e.hash());
                    if (mac == null) {
                        return check.broken(expected - 1, e.seq(), "event " + e.seq() + " was authenticated with"
                                + " ledger key " + e.keyId() + ", which the key store " + keys.directory()
                                + " does not hold (restore the key store from the backup)");
                    }
                    if (!mac.equals(e.mac())) {
                        return check.broken(expected - 1, e.seq(), "event " + e.seq() + ": its MAC does not match"
                                + " its hash under key " + e.keyId() + " (rewritten, and the chain recomputed, by"
                                + " someone without the ledger key)");
                    }
                }
                LedgerAnchors.Anchor anchor = anchored.get(e.seq());
                if (anchor != null && !anchor.hash().equals(e.hash())) {
                    return check.broken(expected - 1, e.seq(), "event " + e.seq() + " is not the event anchored at "
                            + anchor.time() + " (line " + anchor.line() + " of " + anchorFile.file()
                            + "): it was rewritten");
                }
                previous = e.hash();
                expected++;
            }
            if (page.size() < PAGE) {
                break;
            }
            first += PAGE;
            em.clear();
        }
        long count = expected - 1;
        for (LedgerAnchors.Anchor a : anchored.values()) {
            if (a.seq() > count) {
                return check.broken(count, count + 1, "the chain ends at event " + count + " but event " + a.seq()
                        + " was anchored at " + a.time() + " (line " + a.line() + " of " + anchorFile.file()
                        + "): events at the end were deleted");
            }
        }
        if (headSeq != count || (headHash != null && !headHash.equals(previous))) {
            return check.broken(count, Math.min(headSeq, count) + 1, headSeq > count
                    ? "the chain ends at event " + count + " but the head records " + headSeq + " (events at the end"
                            + " were deleted)"
                    : headSeq < count ? "the chain continues past the head's event " + headSeq + " (inserted)"
                            : "the head's hash is not the last event's hash");
        }
        if (!anchors.problems().isEmpty()) {
            return check.broken(count, null, String.join("; ", anchors.problems()));
        }
        return new Result(true, count, null, null, previous, check.keyIds, check.anchorsChecked, check.lastAnchor,
                check.unauthenticated);
    }

    /** What a verification has found so far. */
    private static final class Check {
        final List<String> keyIds;
        int anchorsChecked;
        LedgerAnchors.Anchor lastAnchor;
        long unauthenticated;

        Check(List<String> keyIds) {
            this.keyIds = keyIds;
        }

        Result broken(long checked, Long at, String reason) {
            return new Result(false, checked, at, reason, null, keyIds, anchorsChecked, lastAnchor, unauthenticated);
        }
    }
}
