package io.tuneledger.ml;

/**
 * The shape of a BERT encoder, in Hugging Face's terms ({@code config.json}): sizes, layer count, heads, and the
 * pooling the classification head uses.
 */
public record EncoderConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
        int maxPositions, int typeVocabSize, float layerNormEps, Pooling pooling) {

    public EncoderConfig {
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("hidden size " + hiddenSize + " is not a multiple of " + numHeads
                    + " heads");
        }
    }

    public int headSize() {
        return hiddenSize / numHeads;
    }

    /** The same encoder with only its first {@code layers} layers (a distillation's student). */
    public EncoderConfig withLayers(int layers) {
        if (layers < 1 || layers > numLayers) {
            throw new IllegalArgumentException("An encoder of " + numLayers + " layers cannot keep " + layers);
        }
        return new EncoderConfig(vocabSize, hiddenSize, layers, numHeads, intermediateSize, maxPositions,
                typeVocabSize, layerNormEps, pooling);
    }

    /** A tiny random-weight configuration for tests of logic, not of quality. */
    public static EncoderConfig tiny(int vocabSize) {
        return new EncoderConfig(vocabSize, 32, 2, 4, 64, 128, 2, 1e-12f, Pooling.CLS);
    }
}
