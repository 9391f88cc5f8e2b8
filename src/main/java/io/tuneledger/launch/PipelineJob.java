package io.tuneledger.launch;

import io.tuneledger.batch.JobParameters;
import io.tuneledger.config.Parameter;
import io.tuneledger.config.ParameterValues;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.DatasetParameters;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.TaskType;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.registry.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pipeline job: prepare-dataset, then fine-tune on the version it made, then score with the model it registered
 * (when {@code score.input.path} is given). Its parameters are those of the three jobs, the score job's prefixed with
 * {@code score.}.
 */
@ApplicationScoped
public class PipelineJob implements JobDefinition {

    public static final String NAME = "pipeline";

    @Inject
    PrepareDatasetJob prepareDataset;

    @Inject
    ModelRegistry models;

    @Inject
    DataStore store;

    @Inject
    ExecutionQueries executions;

    @Override
    public String jobName() {
        return NAME;
    }

    @Override
    public String description() {
        return "Prepares a dataset version, fine-tunes a model on it (quality gate included) and, when"
                + " score.input.path is given, scores that file with the new model: one job, restartable at any step.";
    }

    @Override
    public List<Parameter<?>> parameters() {
        return JobParameters.PIPELINE;
    }

    @Override
    public List<ParameterError> prepare(Map<String, String> parameters) {
        String tokenizer = DatasetParameters.TOKENIZER.name();
        if (!parameters.containsKey(tokenizer)) {
            parameters.put(tokenizer, BaseModel.byId(parameters.get(TrainingParameters.BASE_MODEL.name()))
                    .map(BaseModel::id).orElse(DatasetParameters.TOKENIZER.defaultValue()));
        }
        if (TaskType.ADAPTATION.id().equals(parameters.get(DatasetParameters.TASK.name()))) {
            return List.of(new ParameterError(DatasetParameters.TASK.name(), "adaptation prepares a corpus for the"
                    + " adapt job (prepare-dataset, then adapt); the pipeline trains classification or retrieval"));
        }
        if (TaskType.GENERATION.id().equals(parameters.get(DatasetParameters.TASK.name()))) {
            return List.of(new ParameterError(DatasetParameters.TASK.name(), "generation has nothing to score: run"
                    + " prepare-dataset, then fine-tune with base.model the directory of the decoder you bring; the"
                    + " pipeline trains classification or retrieval"));
        }
        List<ParameterError> errors = new ArrayList<>(prepareDataset.prepare(parameters));
        StudyConfigs.apply(parameters, executions, errors);
        FineTuneJob.checkBaseModel(ParameterValues.of(parameters), models, store, errors);
        TaskType.byId(parameters.get(DatasetParameters.TASK.name())).ifPresent(task ->
                FineTuneJob.checkTaskParameters(task, ParameterValues.of(parameters), errors));
        String scoring = JobParameters.PIPELINE_SCORE;
        boolean retrieval = TaskType.RETRIEVAL.id().equals(parameters.get(DatasetParameters.TASK.name()));
        if (retrieval && parameters.containsKey(scoring + JobParameters.SCORE_INPUT.name())) {
            errors.add(new ParameterError(scoring + JobParameters.SCORE_INPUT.name(), "scoring applies to"
                    + " classification: a retrieval model ranks documents (the search job)"));
        } else if (parameters.containsKey(scoring + JobParameters.SCORE_INPUT.name())) {
            ScoreJob.prepareFiles(parameters, scoring, store, errors);
        } else {
            for (Parameter<?> p : List.of(JobParameters.SCORE_FORMAT, JobParameters.OUTPUT_PATH)) {
                if (parameters.containsKey(scoring + p.name())) {
                    errors.add(new ParameterError(scoring + p.name(), "applies only when " + scoring
                            + JobParameters.SCORE_INPUT.name() + " is given"));
                }
            }
        }
        return errors;
    }
}
