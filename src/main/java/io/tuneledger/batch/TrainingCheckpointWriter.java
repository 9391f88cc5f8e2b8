package io.tuneledger.batch;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.SubjectType;
import io.tuneledger.config.LogId;
import io.tuneledger.data.JsonlFiles;
import io.tuneledger.ml.TrainingRecord;
import jakarta.batch.api.chunk.AbstractItemWriter;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * Saves the training state after every chunk, before the chunk's checkpoint commits: {@code state-<steps>.safetensors}
 * (written to a temporary file, synced, renamed), which the reader's checkpoint then names. States older than the
 * previous one are deleted: the previous one is still what the committed checkpoint names until this chunk commits.
 * When training is over it also writes the training record ({@code result.json}) for the later steps.
 */
@Named
@Dependent
public class TrainingCheckpointWriter extends AbstractItemWriter {

    private static final Logger LOG = Logger.getLogger(TrainingCheckpointWriter.class.getName());

    @Inject
    StepContext stepContext;

    @Inject
    JobContext jobContext;

    @Inject
    AuditLedger ledger;

    @Inject
    FineTuneRun run;

    @Override
    public void writeItems(List<Object> items) throws Exception {
        TrainingStep step = (TrainingStep) stepContext.getTransientUserData();
        String name = "state-" + step.session.steps() + ".safetensors";
        Path state = step.dir.resolve(name);
        step.session.save(state);
        String sha256 = JsonlFiles.sha256(state);
        String previous = step.lastState;
        step.lastState = name;
        step.lastStateSha256 = sha256;
        deleteStatesExcept(step.dir, name, previous);
        // In the chunk's transaction: the event commits with the checkpoint that names this state, or not at all.
        var details = Json.createObjectBuilder().add("step", stepContext.getStepName());
        if (step.unit != null) {
            details.add("unit", step.unit.id());
        }
        ledger.append(AuditLedger.SYSTEM, AuditAction.TRAINING_CHECKPOINT, SubjectType.JOB_EXECUTION,
                Long.toString(jobContext.getExecutionId()), details.add("steps", step.session.steps())
                        .add("stateFile", name).add("sha256", sha256).build());
        // Persisted with this chunk's checkpoint: the curves so far, for the console's charts.
        StepFigures.curves(stepContext, step.session.curves());
        LOG.fine(() -> LogId.TRAINING_STATE_SAVED + " Training state saved after step " + step.session.steps());
        if (step.session.finished()) {
            TrainingRecord record = new TrainingRecord(step.session.steps(), step.session.bestEpoch(),
                    step.session.bestWeights().getFileName().toString(), step.session.stoppedEarly(),
                    step.session.curves(), name);
            io.tuneledger.data.JsonFiles.writeAtomically(step.dir.resolve(FineTuneRun.RESULT_FILE), record.toJson());
            if (step.unit != null) {
                // A study's unit is scored here, in its partition, so that its result is a file wherever it ran.
                run.scoreUnit(step, false, null);
            }
        }
        if (step.unit != null && step.atCut()) {
            // The first rung of a halving search: scored now, and the state it may go on from is named.
            run.scoreUnit(step, true, new TrainingPosition(step.session.steps(), name, sha256));
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
