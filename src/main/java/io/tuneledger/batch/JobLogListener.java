package io.tuneledger.batch;

import jakarta.batch.api.listener.AbstractJobListener;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.logging.Logger;

/** Logs each job's start and end with stable message ids that operators can grep. */
@Named
@Dependent
public class JobLogListener extends AbstractJobListener {

    private static final Logger LOG = Logger.getLogger(JobLogListener.class.getName());

    @Inject
    JobContext jobContext;

    @Override
    public void beforeJob() {
        LOG.info(() -> "TUNE0001 Job " + jobContext.getJobName() + " execution " + jobContext.getExecutionId()
                + " (instance " + jobContext.getInstanceId() + ") started");
    }

    @Override
    public void afterJob() {
        LOG.info(() -> "TUNE0002 Job " + jobContext.getJobName() + " execution " + jobContext.getExecutionId()
                + " ended: " + jobContext.getBatchStatus() + " / " + jobContext.getExitStatus());
    }
}
