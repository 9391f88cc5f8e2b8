package io.tuneledger.launch;

import io.tuneledger.data.DataStore;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.registry.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    public List<ParameterSpec> parameters() {
        Map<String, ParameterSpec> all = new LinkedHashMap<>();
        for (ParameterSpec p : prepareDataset.parameters()) {
            all.put(p.name(), p.name().equals("tokenizer") ? ParameterSpec.optional("tokenizer", null,
                    "Tokenizer for token lengths; default: that of base.model when it is a shipped model, else "
                            + BaseModel.ALL_MINILM_L6_V2.id(), p.rule()) : p);
        }
        FineTuneJob.trainingParameters().forEach(p -> all.put(p.name(), p));
        ScoreJob.scoreParameters("score.").forEach(p -> all.put(p.name(), p));
        return List.copyOf(all.values());
    }

    @Override
    public List<ParameterError> prepare(Map<String, String> parameters) {
        if (!parameters.containsKey("tokenizer")) {
            parameters.put("tokenizer", BaseModel.byId(parameters.get("base.model")).orElse(BaseModel.ALL_MINILM_L6_V2)
                    .id());
        }
        List<ParameterError> errors = new ArrayList<>(prepareDataset.prepare(parameters));
        FineTuneJob.checkBaseModel(parameters, models, errors);
        if (parameters.containsKey("score.input.path")) {
            ScoreJob.prepareFiles(parameters, "score.", store, errors);
        } else {
            for (String p : List.of("score.input.format", "score.output.path")) {
                if (parameters.containsKey(p)) {
                    errors.add(new ParameterError(p, "applies only when score.input.path is given"));
                }
            }
        }
        return errors;
    }
}
