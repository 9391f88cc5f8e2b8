package io.tuneledger.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The end of the chain: last sequence number and hash, one row. Appends lock it (SELECT ... FOR UPDATE), which
 * serialises them across threads and servers; verification compares it with the last event, so that removing the
 * newest events is detected too.
 */
@Entity
@Table(name = "audit_head")
public class AuditHead {

    static final long ID = 1;

    @Id
    private long id;

    @Column(name = "last_seq", nullable = false)
    private long lastSeq;

    @Column(name = "last_hash", nullable = false, length = 64)
    private String lastHash;

    protected AuditHead() {
    }

    AuditHead(long lastSeq, String lastHash) {
        this.id = ID;
        this.lastSeq = lastSeq;
        this.lastHash = lastHash;
    }

    long lastSeq() {
        return lastSeq;
    }

    String lastHash() {
        return lastHash;
    }

    void advance(long seq, String hash) {
        this.lastSeq = seq;
        this.lastHash = hash;
    }
}
