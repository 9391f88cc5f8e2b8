package io.tuneledger.batch;

import io.tuneledger.data.TokenCounter;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.djl.TokenLengths;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The base models' tokenizers for token lengths, loaded once per application and shared by all jobs. */
@ApplicationScoped
public class TokenCounters {

    private final Map<String, TokenLengths> loaded = new ConcurrentHashMap<>();

    /** The token counter of a base model, by its id. */
    public TokenCounter forModel(String modelId) {
        BaseModel model = BaseModel.byId(modelId)
                .orElseThrow(() -> new IllegalArgumentException("unknown tokenizer " + modelId));
        return loaded.computeIfAbsent(model.id(), id -> {
            try (InputStream in = model.openTokenizer()) {
                return TokenLengths.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @PreDestroy
    void close() {
        loaded.values().forEach(TokenLengths::close);
        loaded.clear();
    }
}
