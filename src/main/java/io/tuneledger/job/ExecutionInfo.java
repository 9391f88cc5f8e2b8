package io.tuneledger.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One job execution as operators and schedulers see it. */
public record ExecutionInfo(long executionId, long instanceId, String jobName, String batchStatus, String exitStatus,
        Instant createTime, Instant startTime, Instant endTime, Instant lastUpdatedTime, Map<String, String> parameters,
        List<StepInfo> steps) {
}
