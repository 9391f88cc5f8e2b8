package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.TextEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A saved retrieval model ({@link ModelArtifact}, sentence-transformers layout) embedding in batches of 32 with its
 * own pooling, texts truncated to the token length it was trained with, queries after its query prompt.
 */
final class SentenceEncoder implements TextEncoder {

    static final int BATCH = 32;

    private final NDManager manager;
    private final BertClassifierModel model;
    private final TextTokenizer tokenizer;
    private final String queryPrefix;

    private SentenceEncoder(NDManager manager, BertClassifierModel model, TextTokenizer tokenizer,
            String queryPrefix) {
        this.manager = manager;
        this.model = model;
        this.tokenizer = tokenizer;
        this.queryPrefix = queryPrefix;
    }

    static SentenceEncoder load(Path dir) throws IOException {
        return ModelArtifact.open(dir, (manager, loaded, tokenizer) -> new SentenceEncoder(manager,
                BertClassifierModel.encoderOnly(manager, loaded.config(), loaded.encoder()), tokenizer,
                loaded.queryPrefix() == null ? "" : loaded.queryPrefix()));
    }

    @Override
    public float[][] documents(List<String> texts) {
        return SentenceEmbedder.embed(model, tokenizer, texts.stream().map(tokenizer::ids).toList(), BATCH, manager);
    }

    @Override
    public float[][] queries(List<String> texts) {
        return SentenceEmbedder.embed(model, tokenizer, texts.stream().map(t -> tokenizer.ids(queryPrefix + t))
                .toList(), BATCH, manager);
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
        manager.close();
    }
}
