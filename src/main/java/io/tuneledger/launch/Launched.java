package io.tuneledger.launch;

/** What a start or restart returns: the new execution, its job instance and its status when accepted. */
public record Launched(long executionId, long instanceId, String jobName, String batchStatus) {
}
