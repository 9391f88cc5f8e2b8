package io.tuneledger.batch;

import io.tuneledger.audit.AuditLedger;
import io.tuneledger.data.JsonlFiles;
import jakarta.batch.api.chunk.AbstractItemWriter;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Saves the training state after every chunk, before the chunk's checkpoint commits: {@code state-<steps>.safetensors}
 * (written to a temporary file, synced, renamed). States older than the previous one are deleted: the previous one
 * is still what the committed checkpoint names until this chunk commits. When training is over it also writes
 * {@code result.json}: the best epoch and the loss and validation curves, for the later steps.
 */
@Named
@Dependent
public class TrainingCheckpointWriter extends AbstractItemWriter {

    private static final Logger LOG = Logger.getLogger(TrainingCheckpointWriter.class.getName());

    /** The training record for later steps, in the run's train/ directory. */
    static final String RESULT_FILE = "result.json";

    @Inject
    StepContext stepContext;

    @Inject
    FineTuneRun run;

    @Inject
    JobContext jobContext;

    @Inject
    AuditLedger ledger;

    @Override
    public void writeItems(List<Object> items) throws Exception {
        TrainingRun training = (TrainingRun) stepContext.getTransientUserData();
        Path dir = run.dir().resolve("train");
        String name = "state-" + training.session.steps() + ".safetensors";
        training.session.save(dir.resolve(name));
        String previous = training.lastState;
        training.lastState = name;
        deleteStatesExcept(dir, name, previous);
        // In the chunk's transaction: the event commits with the checkpoint that names this state, or not at all.
        ledger.append(AuditLedger.SYSTEM, "training.checkpoint", "job-execution",
                Long.toString(jobContext.getExecutionId()), Json.createObjectBuilder()
                        .add("step", stepContext.getStepName()).add("steps", training.session.steps())
                        .add("stateFile", name).add("sha256", JsonlFiles.sha256(dir.resolve(name))).build());
        // Persisted with this chunk's checkpoint: the curves so far, for the console's charts.
        StepProgress.curves(stepContext, Map.of("loss", training.session.losses(),
                "validationLoss", training.session.validationLoss(),
                "validationMacroF1", training.session.validationMacroF1()));
        LOG.fine(() -> "TUNE0302 Training state saved after step " + training.session.steps());
        if (training.session.finished()) {
            JsonArrayBuilder losses = Json.createArrayBuilder();
            training.session.losses().forEach(l -> losses.add(l.doubleValue()));
            JsonArrayBuilder validation = Json.createArrayBuilder();
            training.session.validationMacroF1().forEach(validation::add);
            JsonArrayBuilder validationLoss = Json.createArrayBuilder();
            training.session.validationLoss().forEach(validationLoss::add);
            FineTuneRun.writeJson(dir.resolve(RESULT_FILE), Json.createObjectBuilder()
                    .add("steps", training.session.steps())
                    .add("bestEpoch", training.session.bestEpoch())
                    .add("bestWeights", training.session.bestFile(training.session.bestEpoch()).getFileName()
                            .toString())
                    .add("stoppedEarly", training.session.stoppedEarly())
                    .add("losses", losses)
                    .add("validationMacroF1", validation)
                    .add("validationLoss", validationLoss)
                    .add("finalState", name)
                    .build());
        }
    }

    private static void deleteStatesExcept(Path dir, String keep, String previous) throws IOException {
        try (DirectoryStream<Path> states = Files.newDirectoryStream(dir, "state-*.safetensors")) {
            for (Path p : states) {
                String file = p.getFileName().toString();
                if (!file.equals(keep) && !file.equals(previous)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
