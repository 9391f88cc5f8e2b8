package io.tuneledger.launch;

import io.tuneledger.batch.JobParameters;
import io.tuneledger.config.Parameter;
import io.tuneledger.config.ParameterValues;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.InputPathException;
import io.tuneledger.ml.TaskType;
import io.tuneledger.registry.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The search job: the documents of a corpus ranked for each query by a registered retrieval model, the corpus
 * embedded once per model version into an index file that later searches reuse.
 */
@ApplicationScoped
public class SearchJob implements JobDefinition {

    public static final String NAME = "search";

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
        return "Ranks the documents of a corpus for each query with a registered retrieval model: the corpus is"
                + " embedded in checkpointed partitions into an index file (reused by later searches of the same"
                + " corpus with the same model version), then one line per query lists the best documents.";
    }

    @Override
    public List<Parameter<?>> parameters() {
        return JobParameters.SEARCH;
    }

    @Override
    public List<ParameterError> prepare(Map<String, String> parameters) {
        List<ParameterError> errors = new ArrayList<>();
        ParameterValues values = ParameterValues.of(parameters);
        ScoreJob.checkModel(models, values, JobParameters.SEARCH_MODEL, TaskType.RETRIEVAL, "search", errors);
        for (Parameter<?> p : List.of(JobParameters.CORPUS_PATH, JobParameters.QUERIES_PATH)) {
            try {
                parameters.put(p.name(), store.resolveInput(parameters.get(p.name())).toString());
            } catch (InputPathException e) {
                errors.add(new ParameterError(p.name(), e.getMessage()));
            }
        }
        ScoreJob.checkOutput(parameters, "", store, errors);
        return errors;
    }
}
