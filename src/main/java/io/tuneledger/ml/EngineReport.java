package io.tuneledger.ml;

import java.util.List;

/**
 * What the engine self-check found: engine and library versions, where DJL was loaded from, a sentence tokenized by a
 * base model's tokenizer, and the result of an NDArray computation.
 */
public record EngineReport(String engine, String engineVersion, String djlVersion, boolean offline,
        String djlLoadedBy, String tokenizerModel, String sentence, List<String> tokens, long[] tokenIds,
        String ndarrayExpression, float ndarrayResult) {
}
