package io.tuneledger.batch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.djl.BatchPredictor;
import io.tuneledger.ml.djl.BertClassifierModel;
import io.tuneledger.ml.djl.ModelArtifact;
import io.tuneledger.ml.djl.TextTokenizer;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.api.chunk.AbstractItemWriter;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores a chunk of one partition in one batch and appends a line per record to the partition's part file
 * ({@code part-<i>.jsonl}: record number, id, label and probabilities, or the reason it could not be scored). The
 * checkpoint is the part file's length after the chunk, synced to disk; on a restart the file is cut back to that
 * length, so a chunk that was written but not committed is written again, never twice.
 */
@Named
@Dependent
public class PredictionWriter extends AbstractItemWriter {

    @Inject
    @BatchProperty(name = "partition.index")
    String partitionIndex;

    @Inject
    ScoreRun run;

    private FileChannel out;
    private NDManager manager;
    private BertClassifierModel model;
    private TextTokenizer tokenizer;
    private List<String> labels;

    /** The part file of partition {@code index}. */
    static Path partFile(Path scoreDir, int index) {
        return scoreDir.resolve("part-" + index + ".jsonl");
    }

    @Override
    public void open(Serializable checkpoint) throws Exception {
        ScoreRun.Pinned pinned = run.pinned();
        Path part = partFile(run.dir(), Integer.parseInt(partitionIndex));
        out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long length = checkpoint == null ? 0 : (Long) checkpoint;
        if (out.size() < length) {
            throw new IOException(part + " is shorter (" + out.size() + " bytes) than its checkpoint (" + length
                    + "): the run directory was changed; start a new run");
        }
        out.truncate(length);
        out.position(length);
        ModelArtifact.Loaded loaded = ModelArtifact.load(pinned.modelDir());
        labels = loaded.labels();
        int maxLength = FineTuneRun.readJson(pinned.modelDir().resolve(ModelArtifact.PROVENANCE))
                .getJsonObject("training").getInt("train.max.length");
        manager = Engine.getEngine("PyTorch").newBaseManager();
        model = ModelArtifact.classifier(manager, loaded);
        try (InputStream in = Files.newInputStream(loaded.tokenizer())) {
            tokenizer = TextTokenizer.load(in, maxLength);
        }
    }

    @Override
    public void writeItems(List<Object> items) throws Exception {
        List<ScoreItem> scored = new ArrayList<>();
        List<long[]> ids = new ArrayList<>();
        for (Object o : items) {
            ScoreItem item = (ScoreItem) o;
            if (item.error() == null) {
                scored.add(item);
                ids.add(tokenizer.ids(item.text()));
            }
        }
        float[][] probabilities = ids.isEmpty() ? new float[0][]
                : BatchPredictor.probabilities(model, tokenizer, ids, 32, manager);
        StringBuilder lines = new StringBuilder();
        int k = 0;
        for (Object o : items) {
            ScoreItem item = (ScoreItem) o;
            JsonObjectBuilder b = Json.createObjectBuilder().add("n", item.number());
            if (item.id() != null) {
                b.add("id", item.id());
            }
            if (item.error() != null) {
                b.add("error", item.error());
            } else {
                float[] p = probabilities[k++];
                int best = 0;
                JsonObjectBuilder probs = Json.createObjectBuilder();
                for (int c = 0; c < p.length; c++) {
                    probs.add(labels.get(c), p[c]);
                    if (p[c] > p[best]) {
                        best = c;
                    }
                }
                b.add("label", labels.get(best)).add("probabilities", probs);
            }
            lines.append(b.build()).append('\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
        out.force(false);
    }

    @Override
    public Serializable checkpointInfo() throws Exception {
        return out.position();
    }

    @Override
    public void close() throws Exception {
        if (out != null) {
            out.close();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
        if (model != null) {
            model.close();
        }
        if (manager != null) {
            manager.close();
        }
    }
}
