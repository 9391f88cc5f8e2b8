package io.tuneledger.batch;

import io.tuneledger.config.LogId;
import io.tuneledger.config.ParameterValues;
import io.tuneledger.data.DatasetAssembler;
import io.tuneledger.data.DatasetManifest;
import io.tuneledger.data.FoldAssigner;
import io.tuneledger.data.FoldFiles;
import io.tuneledger.data.JsonFiles;
import io.tuneledger.data.VersionDirectories;
import io.tuneledger.ml.SearchSpace;
import io.tuneledger.ml.StudyPlan;
import io.tuneledger.ml.TaskType;
import io.tuneledger.ml.TrainingParameters;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.logging.Logger;

/**
 * The plan step of cross-validate and tune: pins the dataset version, deals its train and validation records into
 * folds (when the job has folds) and fixes the study's trials, written to the run directory as the fold data
 * directories and {@code study.json}. Everything is derived from the parameters and the seed; once the plan is
 * written a restart keeps it, and the partitions (which may run on other servers) read it from the store.
 */
@Named
@Dependent
public class StudyPlanBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(StudyPlanBatchlet.class.getName());

    @Inject
    FineTuneRun run;

    @Inject
    JobContext jobContext;

    @Override
    public String process() throws Exception {
        Path dir = run.dir();
        Path planFile = dir.resolve(FineTuneRun.STUDY_FILE);
        if (Files.exists(planFile)) {
            LOG.info(() -> LogId.STUDY_PLANNED + " The study's plan " + planFile + " was made before the restart");
            return "PLANNED";
        }
        ParameterValues values = run.parameters();
        StudyPlan plan = plan(jobContext.getJobName(), values);
        long seed = values.get(TrainingParameters.SEED);
        if (plan.folds() > 0) {
            // All folds or none: written beside, then renamed into place.
            Path folds = dir.resolve(FineTuneRun.FOLDS_DIR);
            Path temp = dir.resolve(FineTuneRun.FOLDS_DIR + ".tmp");
            VersionDirectories.deleteTree(temp);
            VersionDirectories.deleteTree(folds);
            var dataset = run.dataset();
            TaskType type = TaskType.byId(DatasetManifest.parse(dataset.manifest()).task())
                    .orElse(TaskType.CLASSIFICATION);
            // Pairs sharing an answer document (retrieval) or a prompt (generation) stay in one fold.
            FoldFiles.Counts counts = FoldFiles.write(Path.of(dataset.path()), temp, plan.folds(), seed,
                    o -> switch (type) {
                        case RETRIEVAL -> new FoldAssigner.Member(o.getString("id"), "", o.getString("doc"));
                        case GENERATION -> new FoldAssigner.Member(o.getString("id"), "",
                                o.getString(DatasetAssembler.PROMPT));
                        default -> new FoldAssigner.Member(o.getString("id"), o.getString("label"),
                                o.getString("id"));
                    });
            Files.move(temp, folds, StandardCopyOption.ATOMIC_MOVE);
            LOG.info(() -> LogId.STUDY_PLANNED + " Folds of " + dataset.ref() + " (held-out records per fold): "
                    + Arrays.toString(counts.test()));
        }
        JsonFiles.writeAtomically(planFile, plan.toJson());
        LOG.info(() -> LogId.STUDY_PLANNED + " Study planned: " + plan.kind().id() + ", " + plan.trials().size()
                + " trial(s), " + plan.units().size() + " training run(s)");
        return "PLANNED";
    }

    /** The plan the job's parameters describe. */
    static StudyPlan plan(String jobName, ParameterValues values) {
        if (jobName.equals("cross-validate")) {
            return StudyPlan.crossValidation(values.get(JobParameters.FOLDS));
        }
        SearchSpace space = SearchSpace.parse(values.get(JobParameters.SEARCH_SPACE));
        String method = values.get(JobParameters.SEARCH_METHOD);
        return StudyPlan.search(method, method.equals("grid") ? space.grid()
                : space.sample(values.get(JobParameters.TRIALS), values.get(TrainingParameters.SEED)),
                values.get(JobParameters.TUNE_FOLDS), values.get(JobParameters.SEARCH_HALVING));
    }
}
