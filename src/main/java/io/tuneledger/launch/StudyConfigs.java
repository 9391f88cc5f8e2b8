package io.tuneledger.launch;

import io.tuneledger.config.Parameter;
import io.tuneledger.job.ExecutionInfo;
import io.tuneledger.ml.StudyResult;
import io.tuneledger.ml.TrainingParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code training.config=tune:<execution id>} on fine-tune and pipeline: the configuration the best trial of a
 * completed tune job trained with (the study's training parameters with the trial's values over them) replaces the
 * defaults, in the launched parameters themselves, so that the
 * execution, the model's provenance and its report record the values really used and where they came from.
 */
final class StudyConfigs {

    private StudyConfigs() {
    }

    static void apply(Map<String, String> parameters, ExecutionQueries executions, List<ParameterError> errors) {
        String name = TrainingParameters.TRAINING_CONFIG.name();
        String given = parameters.get(name);
        if (given == null) {
            return;
        }
        long id = TrainingParameters.studyExecution(given);
        Optional<ExecutionInfo> found = executions.find(id);
        if (found.isEmpty()) {
            errors.add(new ParameterError(name, "there is no execution " + id));
            return;
        }
        ExecutionInfo study = found.get();
        if (!study.jobName().equals(TuneJob.NAME)) {
            errors.add(new ParameterError(name, "execution " + id + " is a " + study.jobName() + " job, not a "
                    + TuneJob.NAME + " job"));
            return;
        }
        if (!study.batchStatus().equals("COMPLETED") || study.result() == null) {
            errors.add(new ParameterError(name, "the " + TuneJob.NAME + " execution " + id + " has not completed ("
                    + study.batchStatus() + "); restart it, or name one that completed"));
            return;
        }
        String base = TrainingParameters.BASE_MODEL.name();
        String studied = study.parameters().getOrDefault(base, TrainingParameters.BASE_MODEL.defaultValue());
        if (!studied.equals(parameters.get(base))) {
            errors.add(new ParameterError(base, "is " + parameters.get(base) + " but the study tune:" + id
                    + " searched with " + studied + "; its configuration is for that base model"));
        }
        // The configuration the best trial trained with: the study's training parameters, the trial's values over them.
        Map<String, String> chosen = new LinkedHashMap<>();
        List<Parameter<?>> carried = new ArrayList<>(TrainingParameters.CONFIG);
        carried.addAll(TrainingParameters.RETRIEVAL);
        carried.addAll(TrainingParameters.GENERATION);
        carried.remove(TrainingParameters.CHECKPOINT_EVERY_STEPS);
        carried.forEach(p -> chosen.put(p.name(), study.parameters().getOrDefault(p.name(), p.defaultValue())));
        chosen.putAll(StudyResult.bestParameters(study.result()));
        for (Map.Entry<String, String> e : chosen.entrySet()) {
            Parameter<?> p = carried.stream().filter(s -> s.name().equals(e.getKey())).findFirst().orElseThrow();
            String now = parameters.get(p.name());
            if (now != null && !now.equals(p.defaultValue()) && !now.equals(e.getValue())) {
                errors.add(new ParameterError(p.name(), "is set by " + name + "=" + given + " (the study chose "
                        + e.getValue() + "); leave it out, or leave out " + name));
            } else {
                parameters.put(p.name(), e.getValue());
            }
        }
    }
}
