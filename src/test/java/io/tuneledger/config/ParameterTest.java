package io.tuneledger.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Parameters written once: typed values with their defaults, one parser of version references. */
class ParameterTest {

    @Test
    void aMissingValueIsTheDefaultAndAWrongOneNamesTheParameter() {
        assertEquals(1e-4f, TrainingParameters.LEARNING_RATE.parse(null));
        assertEquals(1e-4f, TrainingParameters.LEARNING_RATE.parse(" "));
        assertEquals(3e-5f, TrainingParameters.LEARNING_RATE.parse("3e-5"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingParameters.LEARNING_RATE.parse("fast"));
        assertTrue(e.getMessage().startsWith("train.learning.rate must be a number"), e.getMessage());
        assertNull(TrainingParameters.GATE_MIN_MACRO_F1.parse(null), "none means no gate");
        assertEquals(0.8, TrainingParameters.GATE_MIN_MACRO_F1.parse("0.8"));
        assertEquals(Optional.of("must be between 0.0 and 1.0, got 1.5"),
                TrainingParameters.GATE_MIN_MACRO_F1.check("1.5"));
    }

    @Test
    void theTrainingConfigurationComesFromTheParametersAndTheirDefaults() {
        TrainingConfig config = TrainingConfig.from(ParameterValues.of(Map.of("train.epochs", "1",
                "train.mode", "head", "jberet.restartPosition", "x")));
        assertEquals(1, config.epochs());
        assertEquals(TrainingConfig.TrainMode.HEAD, config.mode());
        assertEquals(TrainingConfig.defaults().learningRate(), config.learningRate());
        assertEquals(TrainingParameters.BATCH_SIZE.defaultParsed(), config.batchSize());
        assertEquals(Map.of("train.epochs", "1", "train.mode", "head"), ParameterValues.of(Map.of("train.epochs", "1",
                "train.mode", "head", "jberet.restartPosition", "x")).asMap(), "the runtime's own are left out");
    }

    @Test
    void theCheckpointIntervalIsNotPartOfWhatATrainingStateDependsOn() {
        TrainingConfig a = TrainingConfig.builder().optCheckpointEverySteps(20).build();
        TrainingConfig b = TrainingConfig.builder().optCheckpointEverySteps(3).build();
        TrainingConfig c = TrainingConfig.builder().optLearningRate(2e-4f).build();
        assertEquals(a.identity(), b.identity());
        assertTrue(!a.identity().equals(c.identity()));
    }

    @Test
    void versionReferencesAreParsedInOnePlace() {
        assertInstanceOf(VersionRef.Latest.class, VersionRef.parse("latest"));
        assertEquals(new VersionRef.Number(3), VersionRef.parse(" 3 "));
        for (String bad : List.of("0", "-1", "v3", "", "3.0")) {
            assertTrue(VersionRef.tryParse(bad).isEmpty(), bad);
        }
        assertEquals(Optional.of(new VersionRef.Named("spam", new VersionRef.Number(2))),
                VersionRef.Named.tryParse("spam:2"));
        assertEquals("spam:latest", VersionRef.Named.tryParse("spam:latest").orElseThrow().toString());
        assertTrue(VersionRef.Named.tryParse("Spam:2").isEmpty(), "names are lower case");
        assertTrue(VersionRef.Named.tryParse("spam:two").isEmpty());
    }

    @Test
    void eachTrainingDefaultIsWrittenOnceInTheSources() throws Exception {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f);
                if (text.contains("\"1e-4\"") || text.contains("1e-4f")) {
                    found.add(f.getFileName().toString());
                }
            }
        }
        assertEquals(List.of("TrainingParameters.java"), found);
    }
}
