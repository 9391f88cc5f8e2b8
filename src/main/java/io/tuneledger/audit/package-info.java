/**
 * The tamper-evident audit ledger: one SHA-256 hash chain of canonical-JSON events, appended in the caller's
 * transaction, verified on demand, and protected against UPDATE and DELETE on PostgreSQL.
 */
package io.tuneledger.audit;
