package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.tuneledger.ml.Predictor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A saved classifier ({@link ModelArtifact}) predicting in batches of 32 (bucketed by length or in input order), texts truncated to the token length it was
 * trained with (its provenance's {@code train.max.length}).
 */
final class ClassifierPredictor implements Predictor {

    private final NDManager manager;
    private final BertClassifierModel model;
    private final TextTokenizer tokenizer;
    private final List<String> labels;
    private final boolean bucketing;

    private ClassifierPredictor(NDManager manager, BertClassifierModel model, TextTokenizer tokenizer,
            List<String> labels, boolean bucketing) {
        this.manager = manager;
        this.bucketing = bucketing;
        this.model = model;
        this.tokenizer = tokenizer;
        this.labels = labels;
    }

    static ClassifierPredictor load(Path dir, boolean bucketing) throws IOException {
        return ModelArtifact.open(dir, (manager, loaded, tokenizer) -> new ClassifierPredictor(manager,
                ModelArtifact.classifier(manager, loaded), tokenizer, loaded.labels(), bucketing));
    }

    @Override
    public List<Prediction> predict(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        JniUtils.setGradMode(false);
        List<long[]> ids = texts.stream().map(tokenizer::ids).toList();
        return Predictor.predictions(labels, BatchPredictor.probabilities(model, tokenizer, ids, 32, bucketing,
                manager));
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
        manager.close();
    }
}
