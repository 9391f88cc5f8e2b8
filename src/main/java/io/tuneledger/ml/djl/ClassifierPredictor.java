package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.tuneledger.ml.Predictor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A saved classifier ({@link ModelArtifact}) predicting in batches of 32, texts truncated to the token length it was
 * trained with (its provenance's {@code train.max.length}).
 */
final class ClassifierPredictor implements Predictor {

    private final NDManager manager;
    private final BertClassifierModel model;
    private final TextTokenizer tokenizer;
    private final List<String> labels;

    private ClassifierPredictor(NDManager manager, BertClassifierModel model, TextTokenizer tokenizer,
            List<String> labels) {
        this.manager = manager;
        this.model = model;
        this.tokenizer = tokenizer;
        this.labels = labels;
    }

    static ClassifierPredictor load(Path dir) throws IOException {
        return ModelArtifact.open(dir, (manager, loaded, tokenizer) -> new ClassifierPredictor(manager,
                ModelArtifact.classifier(manager, loaded), tokenizer, loaded.labels()));
    }

    @Override
    public List<Prediction> predict(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        JniUtils.setGradMode(false);
        List<long[]> ids = texts.stream().map(tokenizer::ids).toList();
        float[][] probabilities = BatchPredictor.probabilities(model, tokenizer, ids, 32, manager);
        int[] best = BatchPredictor.argmax(probabilities);
        List<Prediction> out = new ArrayList<>(texts.size());
        for (int i = 0; i < probabilities.length; i++) {
            Map<String, Float> byLabel = new LinkedHashMap<>();
            for (int c = 0; c < labels.size(); c++) {
                byLabel.put(labels.get(c), probabilities[i][c]);
            }
            out.add(new Prediction(labels.get(best[i]), byLabel));
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
        manager.close();
    }
}
