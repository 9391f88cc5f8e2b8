package io.tuneledger.batch;

import io.tuneledger.data.DataStore;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.inject.Inject;
import java.nio.file.Path;

/**
 * Base of prepare-dataset's batchlets, which work on the job instance's staging directory. Each rebuilds its output
 * from the staging files all or nothing, so a restart after a crash simply runs it again.
 */
public abstract class StagingBatchlet extends AbstractBatchlet {

    @Inject
    protected JobContext jobContext;

    @Inject
    protected StepContext stepContext;

    @Inject
    protected DataStore store;

    /** The staging directory of this job instance (the same for every execution of it). */
    protected Path staging() {
        return store.stagingDir(jobContext.getInstanceId());
    }
}
