package io.tuneledger.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;

/**
 * Recomputes the chain from the first event: every sequence number present once and in order, every event's previous
 * hash equal to the hash of the event before it, every hash equal to the hash of the event's content, and the head
 * row equal to the last event. Finds a changed event (content or hash), a deleted one (a gap, or a shorter chain than
 * the head records) and an inserted one (a sequence number out of order, or a longer chain than the head records).
 */
@ApplicationScoped
public class AuditVerifier {

    private static final int PAGE = 500;

    @PersistenceContext(unitName = "tuneledger")
    EntityManager em;

    /** The outcome: valid with the number of events, or the first broken sequence number and why. */
    public record Result(boolean valid, long events, Long brokenAt, String reason, String lastHash) {
    }

    @Transactional
    public Result verify() {
        String previous = AuditEvent.GENESIS;
        long expected = 1;
        int first = 0;
        while (true) {
            List<AuditEvent> page = em.createQuery("select e from AuditEvent e order by e.seq", AuditEvent.class)
                    .setFirstResult(first).setMaxResults(PAGE).getResultList();
            for (AuditEvent e : page) {
                if (e.seq() != expected) {
                    return broken(expected - 1, expected, e.seq() > expected
                            ? "event " + expected + " is missing: the next one is " + e.seq() + " (deleted)"
                            : "event " + e.seq() + " appears out of order (inserted)");
                }
                if (!e.prevHash().equals(previous)) {
                    return broken(expected - 1, e.seq(), "event " + e.seq() + ": its previous hash is not the hash"
                            + " of event " + (e.seq() - 1) + " (an event before it was inserted, deleted or"
                            + " re-hashed)");
                }
                if (!e.computeHash().equals(e.hash())) {
                    return broken(expected - 1, e.seq(), "event " + e.seq() + ": its content does not match its"
                            + " hash (changed after it was written)");
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
        AuditHead head = em.find(AuditHead.class, AuditHead.ID);
        long headSeq = head == null ? 0 : head.lastSeq();
        if (headSeq != count || (head != null && !head.lastHash().equals(previous))) {
            return broken(count, Math.min(headSeq, count) + 1, headSeq > count
                    ? "the chain ends at event " + count + " but the head records " + headSeq + " (events at the end"
                            + " were deleted)"
                    : headSeq < count ? "the chain continues past the head's event " + headSeq + " (inserted)"
                            : "the head's hash is not the last event's hash");
        }
        return new Result(true, count, null, null, previous);
    }

    private static Result broken(long checked, long at, String reason) {
        return new Result(false, checked, at, reason, null);
    }
}
