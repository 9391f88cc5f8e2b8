package io.tuneledger.launch;

import io.tuneledger.config.Parameter;
import io.tuneledger.ml.TrainingParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a launch request's parameters against a job's definition and completes them with defaults, so that the
 * execution records every value it ran with. Unknown parameters are errors: a typo must not silently fall back to a
 * default. A restart keeps the values the execution started with; only parameters declared
 * {@linkplain Parameter#restartable() restartable} may change.
 */
public final class ParameterValidator {

    private ParameterValidator() {
    }

    /** The outcome: the complete parameters, or the errors (each naming its parameter). */
    public record Result(Map<String, String> parameters, List<ParameterError> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    public static Result validate(JobDefinition job, Map<String, String> given) {
        List<ParameterError> errors = new ArrayList<>(unknown(job, given));
        Map<String, String> complete = new LinkedHashMap<>();
        for (Parameter<?> spec : job.parameters()) {
            String value = given.get(spec.name());
            if (value == null || value.isBlank()) {
                if (spec.isRequired()) {
                    errors.add(new ParameterError(spec.name(), "is required"));
                } else if (spec.defaultValue() != null) {
                    complete.put(spec.name(), spec.defaultValue());
                }
                continue;
            }
            Optional<String> problem = spec.check(value);
            if (problem.isPresent()) {
                errors.add(new ParameterError(spec.name(), problem.get()));
            } else {
                complete.put(spec.name(), value.strip());
            }
        }
        TrainingParameters.completeDependentDefaults(given, complete);
        if (errors.isEmpty()) {
            errors.addAll(job.prepare(complete));
        }
        return new Result(complete, List.copyOf(errors));
    }

    /**
     * The overrides of a restart that are refused: unknown parameters, and parameters that are not restartable whose
     * value differs from the one the execution ran with ({@code original}). Giving the same value again is allowed.
     */
    public static List<ParameterError> checkRestart(JobDefinition job, Map<String, String> original,
            Map<String, String> overrides) {
        List<ParameterError> errors = new ArrayList<>(unknown(job, overrides));
        List<String> restartable = job.parameters().stream().filter(Parameter::isRestartable).map(Parameter::name)
                .toList();
        for (Parameter<?> spec : job.parameters()) {
            if (!overrides.containsKey(spec.name()) || spec.isRestartable()) {
                continue;
            }
            String now = overrides.get(spec.name());
            String before = original.get(spec.name());
            if (!Objects.equals(now == null || now.isBlank() ? null : now.strip(), before)) {
                errors.add(new ParameterError(spec.name(), "cannot change on restart: the execution ran with "
                        + (before == null ? "no value" : "'" + before + "'") + ", and what it saved depends on it;"
                        + " a restart may change only " + (restartable.isEmpty() ? "nothing"
                                : String.join(", ", restartable)) + ". Start a new execution instead"));
            }
        }
        return errors;
    }

    private static List<ParameterError> unknown(JobDefinition job, Map<String, String> given) {
        List<ParameterError> errors = new ArrayList<>();
        for (String name : given.keySet()) {
            if (job.parameters().stream().noneMatch(p -> p.name().equals(name))) {
                errors.add(new ParameterError(name, "is not a parameter of job " + job.jobName()));
            }
        }
        return errors;
    }
}
