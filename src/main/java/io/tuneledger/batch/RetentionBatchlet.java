package io.tuneledger.batch;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.SubjectType;
import io.tuneledger.config.LogId;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.JsonFiles;
import io.tuneledger.data.RetentionPlan;
import jakarta.annotation.Resource;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.UserTransaction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jberet.operations.AbstractJobOperator;
import org.jberet.operations.DelegatingJobOperator;
import org.jberet.repository.JobExecutionSelector;
import org.jberet.repository.JobRepository;

/**
 * Purges what the retention job's parameters select ({@link RetentionPlan}): the job-repository rows of old job
 * instances and their training checkpoint files. The plan is written to the run directory first and reused on
 * restart; the rows are deleted in the same transaction as the ledger event that lists them, then JBeret's in-memory
 * cache forgets them (the one place a step reaches into the runtime's own repository).
 */
@Named
@Dependent
public class RetentionBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(RetentionBatchlet.class.getName());

    static final String PLAN_FILE = "retention-plan.json";

    @Inject
    @BatchProperty(name = "older.than.days")
    String olderThanDays;

    @Inject
    @BatchProperty(name = "purge")
    String purge;

    @Inject
    @BatchProperty(name = "dry.run")
    String dryRun;

    @Inject
    JobContext jobContext;

    @Inject
    StepContext stepContext;

    @Inject
    DataStore store;

    @Inject
    AuditLedger ledger;

    @Resource(lookup = "java:jboss/datasources/TuneledgerDS")
    DataSource dataSource;

    @Inject
    UserTransaction transaction;

    @Override
    public String process() throws Exception {
        Path dir = store.runDir(jobContext.getInstanceId());
        Files.createDirectories(dir);
        Path planFile = dir.resolve(PLAN_FILE);
        RetentionPlan plan;
        if (Files.exists(planFile)) {
            plan = RetentionPlan.fromJson(JsonFiles.read(planFile));
        } else {
            try (Connection c = dataSource.getConnection()) {
                plan = RetentionPlan.plan(c, store, jobContext.getInstanceId(),
                        JobParameters.OLDER_THAN_DAYS.parse(olderThanDays), JobParameters.PURGE.parse(purge),
                        JobParameters.DRY_RUN.parse(dryRun), Instant.now());
            }
            JsonFiles.writeAtomically(planFile, plan.toJson());
        }
        List<Long> instances = plan.instanceIds();
        List<Long> executions = plan.executions();
        long files = plan.checkpoints().size();
        long bytes = plan.checkpointBytes();
        StepFigures.count(stepContext, "jobInstances", instances.size());
        StepFigures.count(stepContext, "jobExecutions", executions.size());
        StepFigures.count(stepContext, "checkpointFiles", files);
        StepFigures.count(stepContext, "checkpointBytes", bytes);
        String id = Long.toString(jobContext.getExecutionId());

        if (plan.dryRun()) {
            ledger.append(AuditLedger.SYSTEM, AuditAction.RETENTION_PLANNED, SubjectType.RETENTION, id, plan.toJson());
            LOG.info(() -> LogId.RETENTION_DRY_RUN + " Retention dry run: would remove " + instances.size()
                    + " job instances and " + files + " checkpoint files (" + bytes + " bytes)");
            return "COMPLETED";
        }
        plan.deleteCheckpoints(store);
        transaction.begin();
        try {
            try (Connection c = dataSource.getConnection()) {
                plan.deleteJobRecords(c);
            }
            ledger.append(AuditLedger.SYSTEM, AuditAction.RETENTION_PURGED, SubjectType.RETENTION, id, plan.toJson());
            transaction.commit();
        } catch (Exception e) {
            transaction.rollback();
            throw e;
        }
        forgetCached(new HashSet<>(instances), new HashSet<>(executions));
        LOG.info(() -> LogId.RETENTION_RAN + " Retention removed " + instances.size() + " job instances ("
                + executions.size() + " executions) and " + files + " checkpoint files (" + bytes + " bytes)");
        return "COMPLETED";
    }

    /** Drops the purged instances and executions from JBeret's in-memory cache, so that reads agree with the rows. */
    private static void forgetCached(Set<Long> instances, Set<Long> executions) {
        JobOperator operator = BatchRuntime.getJobOperator();
        if (operator instanceof DelegatingJobOperator delegating) {
            operator = delegating.getDelegate();
        }
        if (!(operator instanceof AbstractJobOperator jberet)) {
            LOG.warning(LogId.RETENTION_CACHE_KEPT
                    + " The job operator is not JBeret's; purged executions may be listed until restart");
            return;
        }
        JobRepository repository = jberet.getJobRepository();
        repository.removeJobExecutions(new JobExecutionSelector() {
            @Override
            public boolean select(JobExecution execution, Collection<Long> all) {
                return executions.contains(execution.getExecutionId());
            }

            @Override
            public JobContext getJobContext() {
                return null;
            }

            @Override
            public void setJobContext(JobContext context) {
            }

            @Override
            public StepContext getStepContext() {
                return null;
            }

            @Override
            public void setStepContext(StepContext context) {
            }
        });
        instances.forEach(repository::removeJobInstance);
    }
}
