package io.tuneledger.batch;

import io.tuneledger.ml.StepOutcome;
import jakarta.batch.api.chunk.ItemProcessor;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.LinkedHashMap;
import java.util.Map;

/** Makes one mini-batch update per item and publishes the training progress (epoch, step, loss, validation). */
@Named
@Dependent
public class TrainingStepProcessor implements ItemProcessor {

    @Inject
    StepContext stepContext;

    @Override
    public Object processItem(Object item) throws Exception {
        TrainingStep step = (TrainingStep) stepContext.getTransientUserData();
        StepOutcome outcome = step.session.step();
        publish(stepContext, step, outcome);
        return outcome;
    }

    /** The latest figures into the step's persistent user data (the reader publishes the progress in steps). */
    static void publish(StepContext context, TrainingStep step, StepOutcome outcome) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("epoch", (double) step.session.epoch());
        values.put("epochs", (double) step.epochs);
        if (outcome != null) {
            values.put("loss", (double) outcome.loss());
            values.put("learningRate", (double) outcome.learningRate());
            if (outcome.endedEpoch()) {
                outcome.validation().summary().forEach((name, value) -> values.put("validation"
                        + Character.toUpperCase(name.charAt(0)) + name.substring(1), value));
            }
        }
        StepFigures.values(context, values);
        StepFigures.progress(context, step.session.steps(), step.session.totalSteps(),
                io.tuneledger.job.StepProgress.Unit.STEPS);
    }
}
