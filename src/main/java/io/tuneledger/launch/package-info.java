/**
 * Running jobs from outside the batch runtime: the job catalogue, validation of parameters before anything starts
 * (restarts included), the commands that start, restart, stop and abandon executions with their ledger events
 * ({@link io.tuneledger.launch.JobLauncher}, the only code that changes what the runtime runs), the execution
 * queries, and crash recovery at deployment.
 */
package io.tuneledger.launch;
