package io.tuneledger.batch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * When a lease's process counts as gone: never this process's own; another server's once its lease expired; this
 * server's earlier process at once (a server's name runs once).
 */
class ExecutionOwnershipTest {

    private final ExecutionOwnership ownership = new ExecutionOwnership();

    private ExecutionOwnership.Lease lease(String server, String incarnation, long expiresAt) {
        return new ExecutionOwnership.Lease(7, server, incarnation, expiresAt - 60_000, expiresAt, false);
    }

    @Test
    void anotherServersLeaseIsAbandonedOnlyOnceItExpired() {
        ExecutionOwnership.Lease other = lease("node-b", "41@2026-12-04T10:00:00Z", 1_000_000);
        assertFalse(ownership.abandoned(other, 999_999), "live: its lease runs until 1,000,000");
        assertFalse(ownership.abandoned(other, 1_000_000), "live up to its expiry");
        assertTrue(ownership.abandoned(other, 1_000_001), "expired");
    }

    @Test
    void thisServersEarlierProcessIsGoneAtOnceAndThisProcessNever() {
        ExecutionOwnership.Lease earlier = lease(ownership.server(), "41@2026-12-04T10:00:00Z", 1_000_000);
        assertTrue(ownership.abandoned(earlier, 0), "this server's name under an earlier process");
        ExecutionOwnership.Lease mine = lease(ownership.server(), ownership.incarnation(), 1_000_000);
        assertTrue(ownership.mine(mine));
        assertFalse(ownership.abandoned(mine, Long.MAX_VALUE), "this process's own lease, even expired");
    }
}
