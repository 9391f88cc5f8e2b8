package io.tuneledger.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One job execution as operators and schedulers see it; {@code result} is what a study (cross-validate, tune) found,
 * once it has (else {@code null}, left out of the JSON).
 */
public record ExecutionInfo(long executionId, long instanceId, String jobName, String batchStatus, String exitStatus,
        Instant createTime, Instant startTime, Instant endTime, Instant lastUpdatedTime, Map<String, String> parameters,
        List<StepInfo> steps, jakarta.json.JsonObject result) {
}
