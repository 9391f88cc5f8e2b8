package io.tuneledger.batch;

import io.tuneledger.ml.djl.TrainingSession;
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
        TrainingRun training = (TrainingRun) stepContext.getTransientUserData();
        TrainingSession.StepOutcome outcome = training.session.step();
        publish(stepContext, training, outcome);
        return outcome;
    }

    /** Progress in steps, plus the latest figures, into the step's persistent user data. */
    static void publish(StepContext step, TrainingRun training, TrainingSession.StepOutcome outcome) {
        StepProgress.publish(step, new StepProgress.Progress(training.session.steps(),
                training.session.totalSteps(), 2));
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("epoch", (double) training.session.epoch());
        values.put("epochs", (double) training.config.epochs());
        if (outcome != null) {
            values.put("loss", (double) outcome.progress().loss());
            values.put("learningRate", (double) outcome.progress().learningRate());
            if (outcome.endedEpoch()) {
                values.put("validationMacroF1", outcome.validation().macroF1());
                values.put("validationAccuracy", outcome.validation().accuracy());
            }
        }
        StepProgress.values(step, values);
    }
}
