/**
 * The only caller of the JobOperator: the job catalog and its parameter rules, validation before anything
 * starts, launch, restart and stop with their ledger events, and the executions as operators see them.
 */
package io.tuneledger.launch;
