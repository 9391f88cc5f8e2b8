package io.tuneledger.ml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The curves of a training run so far: the loss of every optimisation step, and per epoch the validation loss and
 * the task's primary validation figure. The console draws them while the step runs; the report draws them after.
 *
 * @param metricName the name of the validation figure's curve ({@code validationMacroF1} for classification)
 */
public record TrainingCurves(List<Float> loss, List<Double> validationLoss, String metricName,
        List<Double> validationMetric) {

    public TrainingCurves {
        loss = List.copyOf(loss);
        validationLoss = List.copyOf(validationLoss);
        validationMetric = List.copyOf(validationMetric);
    }

    /** The curves by name: {@code loss}, {@code validationLoss} and the metric's curve. */
    public Map<String, List<? extends Number>> byName() {
        Map<String, List<? extends Number>> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("validationLoss", validationLoss);
        m.put(metricName, validationMetric);
        return m;
    }
}
