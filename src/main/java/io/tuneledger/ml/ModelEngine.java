package io.tuneledger.ml;

import java.io.IOException;
import java.util.Map;

/**
 * The engine behind the task seam. The jobs, the ledger and the API reach models only through here, so no package
 * outside the engine's own names the engine's types. The server's implementation is DJL on PyTorch (ml/djl).
 */
public interface ModelEngine {

    /** The engine's implementation of a kind of fine-tuning. */
    FineTuningTask task(TaskType type);

    /** A base model's tokenizer for token lengths; shared, do not close. */
    TokenCounter tokenCounter(BaseModel model);

    /** The versions provenance and the boot record name: the library and the engine ({@code djl}, {@code pytorch}). */
    Map<String, String> versions();

    /** A self-check of the stack as it will be used: the engine, a base model's tokenizer, one computation. */
    EngineReport selfCheck(BaseModel model, String sentence) throws IOException;
}
