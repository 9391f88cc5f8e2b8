/**
 * Compliance reports: a format-free report document built from the executions
 * ({@link io.tuneledger.job.ExecutionHistory}), the registries and the ledger, the model card, and its HTML and PDF
 * layouts.
 */
package io.tuneledger.audit.report;
