package io.tuneledger.ml.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.EngineReport;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A self-check of the ML stack as it will be used: the PyTorch engine loads (offline, natives from the jar), a base
 * model's own tokenizer encodes a sentence, and an NDArray computation runs on the engine.
 */
public final class EngineDiagnostics {

    private EngineDiagnostics() {
    }

    /** Runs the check with {@code model}'s tokenizer on {@code sentence}. */
    public static EngineReport run(BaseModel model, String sentence) throws IOException {
        Engine engine = Engine.getEngine("PyTorch");
        float result;
        try (NDManager manager = engine.newBaseManager()) {
            NDArray x = manager.create(new float[] {1f, 2f, 3f, 4f}, new ai.djl.ndarray.types.Shape(2, 2));
            result = x.matMul(x).sum().getFloat();
        }
        String[] tokens;
        long[] ids;
        try (InputStream in = model.openTokenizer(); TextTokenizer tokenizer = TextTokenizer.load(in, 512)) {
            tokens = tokenizer.tokens(sentence);
            ids = tokenizer.ids(sentence);
        }
        return new EngineReport(engine.getEngineName(), engine.getVersion(), Engine.getDjlVersion(),
                Boolean.getBoolean("ai.djl.offline"), String.valueOf(Engine.class.getClassLoader()), model.id(),
                sentence, Arrays.asList(tokens), ids, "sum([[1,2],[3,4]] @ [[1,2],[3,4]])",
                result);
    }
}
