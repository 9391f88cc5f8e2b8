package io.tuneledger.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.config.ParameterValues;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingParametersTest {

    @Test
    void autoMaxLengthFollowsTheDatasetsTokenLengths() {
        assertEquals(0, TrainingParameters.MAX_LENGTH.parse("auto"), "auto is resolved against the dataset later");
        assertEquals(64, TrainingParameters.MAX_LENGTH.parse("64"));
        assertTrue(TrainingParameters.MAX_LENGTH.check("4").isPresent());
        assertEquals(48, TrainingParameters.autoMaxLength(37L), "rounded up to a multiple of 16");
        assertEquals(16, TrainingParameters.autoMaxLength(3L), "at least 16");
        assertEquals(512, TrainingParameters.autoMaxLength(3000L), "at most 512");
        assertEquals(128, TrainingParameters.autoMaxLength(null), "no statistics: the documented default");
    }

    @Test
    void balancedClassWeightsComeFromTheirParameterAndEnterTheIdentity() {
        TrainingConfig plain = TrainingConfig.from(ParameterValues.of(Map.of()));
        TrainingConfig balanced = TrainingConfig.from(ParameterValues.of(Map.of("train.class.weights", "balanced")));
        assertFalse(plain.balancedClassWeights());
        assertTrue(balanced.balancedClassWeights());
        assertEquals("balanced", balanced.asParameters().get("train.class.weights"));
        assertTrue(!plain.identity().equals(balanced.identity()), "a state of one cannot resume the other");
        assertEquals(TrainingConfig.defaults().identity(), plain.identity());
    }
}
