package io.tuneledger.batch;

import io.tuneledger.audit.AuditLedger;
import io.tuneledger.data.JsonlFiles;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.logging.Logger;

/**
 * Merges the partitions' part files by record number into the output file, written all or nothing (temporary file,
 * then rename): one line per scored input record, in input order, with model name and version; records that could
 * not be scored go to {@code <output>.rejected.jsonl} with their reason. Fails unless every input record appears
 * exactly once. Safe to re-run.
 */
@Named
@Dependent
public class MergePredictionsBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(MergePredictionsBatchlet.class.getName());

    @Inject
    @BatchProperty(name = "score.partitions")
    String partitions;

    @Inject
    StepContext stepContext;

    @Inject
    JobContext jobContext;

    @Inject
    AuditLedger ledger;

    @Inject
    ScoreRun run;

    private record Head(long number, JsonObject line, int part) {
    }

    @Override
    public String process() throws Exception {
        ScoreRun.Pinned pinned = run.pinned();
        int n = Integer.parseInt(partitions);
        Path dir = run.dir();
        long total = FineTuneRun.readJson(dir.resolve("read-0.json")).getJsonNumber("records").longValue();
        List<BufferedReader> readers = new ArrayList<>();
        PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> Long.compare(a.number(), b.number()));
        Path output = pinned.output();
        Files.createDirectories(output.getParent());
        Path rejectedFile = output.resolveSibling(output.getFileName() + ".rejected.jsonl");
        long expected = 0;
        long scored;
        long rejected;
        String sha;
        try (JsonlFiles.AtomicWriter predictions = new JsonlFiles.AtomicWriter(output);
                JsonlFiles.AtomicWriter rejects = new JsonlFiles.AtomicWriter(rejectedFile)) {
            for (int i = 0; i < n; i++) {
                BufferedReader r = Files.newBufferedReader(PredictionWriter.partFile(dir, i), StandardCharsets.UTF_8);
                readers.add(r);
                advance(r, i, heads);
            }
            while (!heads.isEmpty()) {
                Head h = heads.poll();
                if (h.number() != expected) {
                    throw new IllegalStateException("Record " + expected + " of the input is " + (h.number() < expected
                            ? "scored twice" : "missing") + " in the part files; the run directory " + dir
                            + " is inconsistent");
                }
                expected++;
                JsonObject line = h.line();
                if (line.containsKey("error")) {
                    var b = Json.createObjectBuilder().add("record", h.number());
                    if (line.containsKey("id")) {
                        b.add("id", line.getString("id"));
                    }
                    rejects.write(b.add("reason", line.getString("error")).build());
                } else {
                    predictions.write(Json.createObjectBuilder().add("id", line.getString("id"))
                            .add("label", line.getString("label"))
                            .add("probabilities", line.getJsonObject("probabilities"))
                            .add("model", pinned.modelName()).add("modelVersion", pinned.modelVersion()).build());
                }
                advance(readers.get(h.part()), h.part(), heads);
            }
            if (expected != total) {
                throw new IllegalStateException("The input has " + total + " records but the part files hold "
                        + expected);
            }
            scored = predictions.lines();
            rejected = rejects.lines();
            sha = predictions.commit();
            if (rejected > 0) {
                rejects.commit();
            }
        } finally {
            for (BufferedReader r : readers) {
                r.close();
            }
        }
        ledger.append(AuditLedger.SYSTEM, "predictions.written", "model", pinned.modelName() + " v"
                + pinned.modelVersion(), Json.createObjectBuilder().add("output", output.toString()).add("sha256", sha)
                        .add("read", total).add("scored", scored).add("rejected", rejected)
                        .add("jobExecutionId", jobContext.getExecutionId()).build());
        StepProgress.count(stepContext, "read", total);
        StepProgress.count(stepContext, "scored", scored);
        StepProgress.count(stepContext, "rejected", rejected);
        FineTuneRun.writeJson(dir.resolve("result.json"), Json.createObjectBuilder().add("output", output.toString())
                .add("sha256", sha).add("read", total).add("scored", scored).add("rejected", rejected)
                .add("model", pinned.modelName()).add("modelVersion", pinned.modelVersion()).build());
        LOG.info(() -> "TUNE0401 Scored " + scored + " of " + total + " records with " + pinned.modelName() + " v"
                + pinned.modelVersion() + " into " + output + " (SHA-256 " + sha + ")"
                + (rejected > 0 ? "; " + rejected + " rejected, see " + rejectedFile : ""));
        return "COMPLETED";
    }

    private static void advance(BufferedReader reader, int part, PriorityQueue<Head> heads) throws IOException {
        String line = reader.readLine();
        if (line != null) {
            try (JsonReader r = Json.createReader(new StringReader(line))) {
                JsonObject o = r.readObject();
                heads.add(new Head(o.getJsonNumber("n").longValue(), o, part));
            }
        }
    }
}
