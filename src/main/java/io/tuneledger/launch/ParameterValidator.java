package io.tuneledger.launch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a launch request's parameters against a job's definition and completes them with defaults, so that the
 * execution records every value it ran with. Unknown parameters are errors: a typo must not silently fall back to a
 * default.
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
        List<ParameterError> errors = new ArrayList<>();
        Map<String, String> complete = new LinkedHashMap<>();
        for (String name : given.keySet()) {
            if (job.parameters().stream().noneMatch(p -> p.name().equals(name))) {
                errors.add(new ParameterError(name, "is not a parameter of job " + job.jobName()));
            }
        }
        for (ParameterSpec spec : job.parameters()) {
            String value = given.get(spec.name());
            if (value == null || value.isBlank()) {
                if (spec.required()) {
                    errors.add(new ParameterError(spec.name(), "is required"));
                } else if (spec.defaultValue() != null) {
                    complete.put(spec.name(), spec.defaultValue());
                }
                continue;
            }
            Optional<String> problem = spec.rule().check(value);
            if (problem.isPresent()) {
                errors.add(new ParameterError(spec.name(), problem.get()));
            } else {
                complete.put(spec.name(), value.strip());
            }
        }
        if (errors.isEmpty()) {
            errors.addAll(job.prepare(complete));
        }
        return new Result(complete, List.copyOf(errors));
    }
}
