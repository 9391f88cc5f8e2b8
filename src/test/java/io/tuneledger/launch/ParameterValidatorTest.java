package io.tuneledger.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterValidatorTest {

    private final JobDefinition job = new JobDefinition() {
        @Override
        public String jobName() {
            return "demo";
        }

        @Override
        public String description() {
            return "demo";
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of(ParameterSpec.required("name", "a name", ValueRule.name()),
                    ParameterSpec.optional("epochs", "3", "epochs", ValueRule.integer(1, 100)),
                    ParameterSpec.optional("mode", "full", "mode", ValueRule.oneOf("full", "head")));
        }
    };

    @Test
    void defaultsCompleteTheParameters() {
        ParameterValidator.Result result = ParameterValidator.validate(job, Map.of("name", "x"));
        assertTrue(result.ok());
        assertEquals(Map.of("name", "x", "epochs", "3", "mode", "full"), result.parameters());
    }

    @Test
    void everyProblemNamesItsParameter() {
        ParameterValidator.Result result = ParameterValidator.validate(job,
                Map.of("epochs", "zero", "mode", "half", "epohcs", "3"));
        assertEquals(List.of("epohcs", "name", "epochs", "mode"),
                result.errors().stream().map(ParameterError::parameter).toList());
        assertEquals("must be a whole number, got 'zero'", result.errors().get(2).message());
        assertEquals("must be between 1 and 100, got 0",
                ParameterValidator.validate(job, Map.of("name", "x", "epochs", "0")).errors().get(0).message());
    }
}
