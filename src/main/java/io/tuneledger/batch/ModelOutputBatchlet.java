package io.tuneledger.batch;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.SubjectType;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * The batchlets that finish what a pinned model ({@link ScoreRun}) produced (predictions, an index, search results):
 * what they share is recording the file in the ledger, against the model version, with the job execution.
 */
abstract class ModelOutputBatchlet extends AbstractBatchlet {

    @Inject
    StepContext stepContext;

    @Inject
    JobContext jobContext;

    @Inject
    AuditLedger ledger;

    @Inject
    ScoreRun run;

    /** Appends {@code action} about the pinned model version, its details with this job execution. */
    protected void record(ScoreRun.Pinned model, AuditAction action, JsonObject details) {
        ledger.append(AuditLedger.SYSTEM, action, SubjectType.MODEL,
                SubjectType.version(model.modelName(), model.modelVersion()),
                Json.createObjectBuilder(details).add("jobExecutionId", jobContext.getExecutionId()).build());
    }
}
