package io.tuneledger.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.config.Parameter;
import io.tuneledger.ml.TrainingParameters;
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
        public List<Parameter<?>> parameters() {
            return List.of(Parameter.name("name", "a name").required(),
                    Parameter.integer("epochs", 3, 1, 100, "epochs"),
                    Parameter.choice("mode", "mode", "full", "head"),
                    Parameter.integer("checkpoint.every", 20, 1, 1000, "interval").restartable());
        }
    };

    @Test
    void defaultsCompleteTheParameters() {
        ParameterValidator.Result result = ParameterValidator.validate(job, Map.of("name", "x"));
        assertTrue(result.ok());
        assertEquals(Map.of("name", "x", "epochs", "3", "mode", "full", "checkpoint.every", "20"),
                result.parameters());
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

    @Test
    void aRestartMayChangeOnlyRestartableParametersAndNamesEachOtherOne() {
        Map<String, String> original = Map.of("name", "x", "epochs", "3", "mode", "full", "checkpoint.every", "20");
        assertEquals(List.of(), ParameterValidator.checkRestart(job, original, Map.of("checkpoint.every", "5")));
        assertEquals(List.of(), ParameterValidator.checkRestart(job, original, Map.of("epochs", "3")),
                "giving the value the execution ran with is no change");
        List<ParameterError> refused = ParameterValidator.checkRestart(job, original,
                Map.of("epochs", "4", "checkpoint.every", "5", "nmae", "y"));
        assertEquals(List.of("nmae", "epochs"), refused.stream().map(ParameterError::parameter).toList());
        assertTrue(refused.get(1).message().contains("ran with '3'")
                && refused.get(1).message().contains("may change only checkpoint.every"), refused.get(1).message());
    }

    @Test
    void aFineTuneRestartRefusesATrainingSettingAndAllowsTheCheckpointInterval() {
        FineTuneJob fineTune = new FineTuneJob();
        Map<String, String> original = ParameterValidator.validate(parametersOnly(fineTune),
                Map.of("dataset.name", "mails", "model.name", "spam")).parameters();
        String rate = TrainingParameters.LEARNING_RATE.name();
        List<ParameterError> refused = ParameterValidator.checkRestart(fineTune, original, Map.of(rate, "2e-4"));
        assertEquals(1, refused.size());
        assertEquals(rate, refused.get(0).parameter());
        assertEquals(List.of(), ParameterValidator.checkRestart(fineTune, original,
                Map.of(TrainingParameters.CHECKPOINT_EVERY_STEPS.name(), "3")));
    }

    /** LoRA without a learning rate gets LoRA's (recorded as the value used); a given one is kept, in any mode. */
    @Test
    void loraWithoutALearningRateGetsLorasOwn() {
        JobDefinition plain = parametersOnly(new FineTuneJob());
        String rate = TrainingParameters.LEARNING_RATE.name();
        Map<String, String> base = Map.of("dataset.name", "mails", "model.name", "spam");
        assertEquals(TrainingParameters.LORA_LEARNING_RATE, ParameterValidator.validate(plain,
                with(base, "train.mode", "lora")).parameters().get(rate));
        assertEquals("5e-4", ParameterValidator.validate(plain, with(with(base, "train.mode", "lora"), rate, "5e-4"))
                .parameters().get(rate));
        assertEquals(TrainingParameters.LEARNING_RATE.defaultValue(), ParameterValidator.validate(plain, base)
                .parameters().get(rate));
    }

    /** A distillation without a learning rate gets the distillation's; a given one is kept. */
    @Test
    void aDistillationWithoutALearningRateGetsItsOwn() {
        JobDefinition distill = parametersOnly(new DistillJob());
        String rate = TrainingParameters.LEARNING_RATE.name();
        Map<String, String> base = Map.of("dataset.name", "mails", "model.name", "small", "distill.teacher", "spam:1");
        assertEquals(TrainingParameters.DISTILL_LEARNING_RATE, ParameterValidator.validate(distill, base).parameters()
                .get(rate));
        assertEquals("2e-4", ParameterValidator.validate(distill, with(base, rate, "2e-4")).parameters().get(rate));
    }

    /** {@code job}'s parameters without its checks against the registries (which need a server). */
    private static JobDefinition parametersOnly(JobDefinition job) {
        return new JobDefinition() {
            @Override
            public String jobName() {
                return job.jobName();
            }

            @Override
            public String description() {
                return "";
            }

            @Override
            public List<Parameter<?>> parameters() {
                return job.parameters();
            }
        };
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }
}
