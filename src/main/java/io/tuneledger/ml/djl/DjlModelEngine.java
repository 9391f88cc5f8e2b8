package io.tuneledger.ml.djl;

import ai.djl.engine.Engine;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.EngineReport;
import io.tuneledger.ml.FineTuningTask;
import io.tuneledger.ml.ModelEngine;
import io.tuneledger.ml.TaskType;
import io.tuneledger.ml.TokenCounter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DJL with the PyTorch engine behind the {@link ModelEngine} seam: the tasks, the base models' tokenizers (loaded
 * once per application and shared by all jobs), the versions, the self-check.
 */
@ApplicationScoped
public class DjlModelEngine implements ModelEngine {

    private final Map<BaseModel, TokenLengths> tokenizers = new ConcurrentHashMap<>();
    private final DjlClassificationTask classification = new DjlClassificationTask();
    private final DjlRetrievalTask retrieval = new DjlRetrievalTask();
    private final DjlAdaptationTask adaptation = new DjlAdaptationTask();
    private final DjlGenerationTask generation = new DjlGenerationTask();

    @Override
    public FineTuningTask task(TaskType type) {
        return switch (type) {
            case CLASSIFICATION -> classification;
            case RETRIEVAL -> retrieval;
            case ADAPTATION -> adaptation;
            case GENERATION -> generation;
        };
    }

    @Override
    public TokenCounter tokenCounter(BaseModel model) {
        return tokenizers.computeIfAbsent(model, m -> {
            try (InputStream in = m.openTokenizer()) {
                return TokenLengths.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("djl", Engine.getDjlVersion());
        v.put("pytorch", Engine.getEngine("PyTorch").getVersion());
        v.put("matrixProducts", MatrixProducts.describe());
        return v;
    }

    @Override
    public EngineReport selfCheck(BaseModel model, String sentence) throws IOException {
        return EngineDiagnostics.run(model, sentence);
    }

    @PreDestroy
    void close() {
        tokenizers.values().forEach(TokenLengths::close);
        tokenizers.clear();
    }
}
