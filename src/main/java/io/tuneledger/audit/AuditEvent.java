package io.tuneledger.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/**
 * One event of the ledger. Append-only: the application has no update or delete path, and on PostgreSQL a trigger
 * refuses both. {@code hash} = SHA-256(previous hash ‖ canonical event), see {@link #canonical()}; the time is kept
 * as the exact text that was hashed (ISO-8601 UTC, milliseconds), so no database rounding can change it. {@code mac}
 * = HMAC-SHA256(key {@code keyId}, hash), with a key the database does not hold: whoever rewrites an event and
 * recomputes the chain cannot recompute it.
 */
@Entity
@Table(name = "audit_event", indexes = {@Index(name = "audit_event_subject", columnList = "subject_type,subject_id")})
public class AuditEvent {

    /** The previous hash of the first event. */
    public static final String GENESIS = "0".repeat(64);

    @Id
    @Column(name = "seq")
    private long seq;

    @Column(name = "event_time", nullable = false, length = 30)
    private String time;

    @Column(nullable = false, length = 200)
    private String actor;

    @Column(nullable = false, length = 100)
    private String action;

    @Column(name = "subject_type", nullable = false, length = 50)
    private String subjectType;

    @Column(name = "subject_id", nullable = false, length = 300)
    private String subjectId;

    /** Canonical JSON ({@link CanonicalJson}). */
    @Column(nullable = false, length = 1_000_000)
    private String details;

    @Column(name = "prev_hash", nullable = false, length = 64)
    private String prevHash;

    @Column(nullable = false, length = 64)
    private String hash;

    /** The ledger key that authenticated the event ({@link LedgerKeys}); null only in a ledger older than MACs. */
    @Column(name = "key_id", length = 20)
    private String keyId;

    /** HMAC-SHA256 of {@link #hash} with key {@link #keyId}, hex. */
    @Column(length = 64)
    private String mac;

    protected AuditEvent() {
    }

    AuditEvent(long seq, String time, String actor, String action, String subjectType, String subjectId,
            String details, String prevHash) {
        this.seq = seq;
        this.time = time;
        this.actor = actor;
        this.action = action;
        this.subjectType = subjectType;
        this.subjectId = subjectId;
        this.details = details;
        this.prevHash = prevHash;
        this.hash = computeHash();
    }

    /**
     * The event as canonical JSON: {@code {"action","actor","details","seq","subjectId","subjectType","time"}}, the
     * details inserted as stored (they are canonical already).
     */
    String canonical() {
        StringBuilder b = new StringBuilder("{\"action\":");
        b.append(CanonicalJson.of(jakarta.json.Json.createValue(action)));
        b.append(",\"actor\":").append(CanonicalJson.of(jakarta.json.Json.createValue(actor)));
        b.append(",\"details\":").append(details);
        b.append(",\"seq\":").append(seq);
        b.append(",\"subjectId\":").append(CanonicalJson.of(jakarta.json.Json.createValue(subjectId)));
        b.append(",\"subjectType\":").append(CanonicalJson.of(jakarta.json.Json.createValue(subjectType)));
        b.append(",\"time\":").append(CanonicalJson.of(jakarta.json.Json.createValue(time)));
        return b.append('}').toString();
    }

    /** Records the MAC of this event's hash with key {@code keyId} (before it is persisted). */
    void authenticate(String keyId, String mac) {
        this.keyId = keyId;
        this.mac = mac;
    }

    public String keyId() {
        return keyId;
    }

    public String mac() {
        return mac;
    }

    /** SHA-256 over the previous hash (64 hex characters) followed by the canonical event, as hex. */
    String computeHash() {
        return Hashes.sha256(prevHash + canonical());
    }

    public long seq() {
        return seq;
    }

    public String time() {
        return time;
    }

    public String actor() {
        return actor;
    }

    public String action() {
        return action;
    }

    public String subjectType() {
        return subjectType;
    }

    public String subjectId() {
        return subjectId;
    }

    public String details() {
        return details;
    }

    public String prevHash() {
        return prevHash;
    }

    public String hash() {
        return hash;
    }
}
