package io.tuneledger.batch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.djl.BertClassifierModel;
import io.tuneledger.ml.djl.StartingWeights;
import io.tuneledger.ml.djl.TextTokenizer;
import io.tuneledger.ml.djl.TrainingSession;
import io.tuneledger.ml.weights.SafeTensors;
import io.tuneledger.registry.DatasetVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A model built from the run's starting weights, with its tokenizer, labels and dataset: what the train step trains
 * and the later steps evaluate and register. Lives for one step; closing it frees the model's native memory.
 */
final class TrainingRun implements AutoCloseable {

    final DatasetVersion dataset;
    final List<String> labels;
    final TrainingConfig config;
    final String baseDescription;
    final String baseSha256;
    final byte[] tokenizerJson;
    final NDManager manager;
    final TextTokenizer tokenizer;
    final BertClassifierModel model;
    TrainingSession session;
    String lastState;

    private TrainingRun(FineTuneRun run, TrainingConfig config) throws IOException {
        StartingWeights start = run.startingWeights();
        this.dataset = run.dataset();
        this.labels = run.labels(dataset, start);
        this.config = config;
        this.baseDescription = start.description();
        this.baseSha256 = start.sha256();
        this.tokenizerJson = start.tokenizerJson();
        NDManager m = Engine.getEngine("PyTorch").newBaseManager();
        try {
            this.tokenizer = TextTokenizer.load(new ByteArrayInputStream(tokenizerJson), config.maxLength());
            this.model = BertClassifierModel.create(m, start.config(), labels.size(), start.encoder(), start.head(),
                    config.seed());
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
        this.manager = m;
    }

    /** The model as the run starts (base weights, new or existing head). */
    static TrainingRun open(FineTuneRun run, TrainingConfig config) throws IOException {
        return new TrainingRun(run, config);
    }

    /** The model with the weights of {@code weightsFile} (the best epoch of a finished training). */
    static TrainingRun withWeights(FineTuneRun run, TrainingConfig config, Path weightsFile) throws IOException {
        TrainingRun r = new TrainingRun(run, config);
        try {
            r.model.load(SafeTensors.read(weightsFile).tensors());
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    List<LabelledText> split(FineTuneRun run, String name) throws IOException {
        List<LabelledText> records = run.split(dataset, name, labels);
        if (records.isEmpty()) {
            throw new IllegalStateException("The " + name + " split of dataset " + dataset.name() + " v"
                    + dataset.version() + " is empty; prepare a larger dataset or change its split");
        }
        return records;
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
        model.close();
        tokenizer.close();
        manager.close();
    }
}
