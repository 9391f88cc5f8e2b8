package io.tuneledger.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Appends events to the one hash chain and reads them back. An append joins the caller's transaction when there is
 * one (a chunk's checkpoint, a registration), so the event commits with what it describes or not at all; it locks
 * the chain's head row, so appends are serialised.
 */
@ApplicationScoped
public class AuditLedger {

    /** The actor of what the batch runtime does on its own. */
    public static final String SYSTEM = "system";

    @PersistenceContext(unitName = "tuneledger")
    EntityManager em;

    @Inject
    LedgerTrust trust;

    /** The chain's committed end: the last sequence number and its hash (0 and the genesis hash when empty). */
    public record Head(long seq, String hash) {
    }

    /** Appends one event; {@code details} are stored as canonical JSON. */
    @Transactional
    public AuditEvent append(String actor, AuditAction action, SubjectType subjectType, String subjectId,
            JsonObject details) {
        AuditHead head = em.find(AuditHead.class, AuditHead.ID, LockModeType.PESSIMISTIC_WRITE);
        if (head == null) {
            head = new AuditHead(0, AuditEvent.GENESIS);
            em.persist(head);
        }
        long seq = head.lastSeq() + 1;
        String time = timeText(Instant.now());
        AuditEvent event = new AuditEvent(seq, time, actor, action.id(), subjectType.id(), subjectId,
                CanonicalJson.of(details), head.lastHash());
        LedgerKeys keys = trust.keys();
        String keyId = keys.currentId();
        event.authenticate(keyId, keys.mac(keyId, event.hash()));
        em.persist(event);
        head.advance(seq, event.hash());
        em.flush();
        return event;
    }

    /** Event times as stored and hashed: UTC, always with milliseconds, so that text order is time order. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    public static String timeText(Instant instant) {
        return TIME.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    /** The committed head. */
    @Transactional
    public Head head() {
        AuditHead head = em.find(AuditHead.class, AuditHead.ID);
        return head == null ? new Head(0, AuditEvent.GENESIS) : new Head(head.lastSeq(), head.lastHash());
    }

    /**
     * The execution that a launch with Idempotency-Key {@code key} started, from its {@code job.launched} event (the
     * details are canonical JSON, so the key appears in them exactly as {@code "idempotencyKey":"..."}).
     */
    @Transactional
    public java.util.Optional<Long> launchedWithKey(String key) {
        String member = "\"idempotencyKey\":" + CanonicalJson.of(jakarta.json.Json.createValue(key));
        String pattern = "%" + member.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
        return em.createQuery("select e.subjectId from AuditEvent e where e.action = :action"
                + " and e.details like :pattern escape '!' order by e.seq", String.class)
                .setParameter("action", AuditAction.JOB_LAUNCHED.id()).setParameter("pattern", pattern)
                .setMaxResults(1).getResultStream().findFirst().map(Long::parseLong);
    }

    /** Creates the head row when the ledger is new (at boot, before any append can race for it). */
    @Transactional
    public void ensureHead() {
        if (em.find(AuditHead.class, AuditHead.ID) == null) {
            em.persist(new AuditHead(0, AuditEvent.GENESIS));
        }
    }

    /** The newest {@code limit} events of one subject ({@code id} null: every subject of the type), newest first. */
    public List<AuditEvent> find(SubjectType type, String id, int limit) {
        return find(type.id(), id, null, null, limit);
    }

    /**
     * Events, newest first: of one subject ({@code type} and optional {@code id}), between two times (ISO-8601,
     * inclusive), at most {@code limit}.
     */
    @Transactional
    public List<AuditEvent> find(String subjectType, String subjectId, String from, String to, int limit) {
        StringBuilder q = new StringBuilder("select e from AuditEvent e where 1 = 1");
        if (subjectType != null) {
            q.append(" and e.subjectType = :type");
        }
        if (subjectId != null) {
            q.append(" and e.subjectId = :id");
        }
        if (from != null) {
            q.append(" and e.time >= :from");
        }
        if (to != null) {
            q.append(" and e.time <= :to");
        }
        TypedQuery<AuditEvent> query = em.createQuery(q.append(" order by e.seq desc").toString(), AuditEvent.class);
        if (subjectType != null) {
            query.setParameter("type", subjectType);
        }
        if (subjectId != null) {
            query.setParameter("id", subjectId);
        }
        if (from != null) {
            query.setParameter("from", timeText(Instant.parse(from)));
        }
        if (to != null) {
            query.setParameter("to", timeText(Instant.parse(to)));
        }
        return query.setMaxResults(limit).getResultList();
    }
}
