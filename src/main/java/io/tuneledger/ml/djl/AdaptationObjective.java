package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.pytorch.jni.JniUtils;
import io.tuneledger.ml.AdaptationMetrics;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.weights.Tensor;
import io.tuneledger.ml.weights.WeightsException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Domain adaptation's part of a training session: continued pre-training of a BERT encoder with the masked-language
 * model objective (BERT's own): the cross-entropy of the hidden tokens ({@link MaskedTokens}) predicted by the
 * {@link MaskedLmHead} from the encoder's output at their positions. The tokens a step hides are drawn from the step's
 * seed, so a resumed run hides the same ones; a validation or test text always has the same tokens hidden (drawn from
 * the run's seed and its position), so the figures of every epoch and of the baseline are comparable. In head mode only
 * the head's own parameters train (the output weights are the frozen word embeddings).
 */
public final class AdaptationObjective implements TrainingObjective {

    static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";

    private final BertClassifierModel encoder;
    private final MaskedLmHead head;
    private final TextTokenizer tokenizer;
    private final MaskedTokens.Vocabulary vocabulary;
    private final float probability;
    private final List<long[]> train;
    private final List<MaskedTokens> validation;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();

    AdaptationObjective(BertClassifierModel encoder, MaskedLmHead head, TextTokenizer tokenizer,
            MaskedTokens.Vocabulary vocabulary, float probability, long seed, List<String> train,
            List<String> validation) {
        if (validation.isEmpty()) {
            throw new IllegalArgumentException("No validation texts");
        }
        this.encoder = encoder;
        this.head = head;
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
        this.probability = probability;
        this.train = train.stream().map(tokenizer::ids).toList();
        this.validation = fixedMasks(validation.stream().map(tokenizer::ids).toList(),
                splitSeed(seed, Split.VALIDATION), probability, vocabulary);
        parameters.putAll(encoder.parameters());
        parameters.putAll(head.parameters());
    }

    /** The seed of a split's fixed masks. */
    static long splitSeed(long seed, Split split) {
        return seed * 31 + split.ordinal() + 1;
    }

    /** Each text with its own hidden tokens, drawn from the seed and its position only. */
    static List<MaskedTokens> fixedMasks(List<long[]> texts, long seed, float probability,
            MaskedTokens.Vocabulary vocabulary) {
        List<MaskedTokens> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            out.add(MaskedTokens.mask(texts.get(i), new Random(seed * 1_000_003L + i), probability, vocabulary));
        }
        return out;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    @Override
    public boolean trains(String parameter, TrainingConfig.TrainMode mode) {
        return mode == TrainingConfig.TrainMode.FULL || parameter.startsWith(MaskedLmHead.PREFIX);
    }

    @Override
    public int trainSize() {
        return train.size();
    }

    @Override
    public NDArray loss(NDManager scope, int[] indices, float dropout, long seed) {
        Random random = new Random(seed);
        List<MaskedTokens> batch = new ArrayList<>(indices.length);
        for (int i : indices) {
            batch.add(MaskedTokens.mask(train.get(i), random, probability, vocabulary));
        }
        NDArray logits = maskedLogits(encoder, head, tokenizer, scope, batch, true, dropout);
        NDArray targets = scope.create(targets(batch)).reshape(-1, 1);
        return logits.logSoftmax(1).gather(targets, 1).mean().neg();
    }

    /** Vocabulary scores at the hidden positions of a batch, [hidden tokens, vocab], in batch order. */
    static NDArray maskedLogits(BertClassifierModel encoder, MaskedLmHead head, TextTokenizer tokenizer,
            NDManager scope, List<MaskedTokens> batch, boolean training, float dropout) {
        TokenBatch tokens = tokenizer.pad(batch.stream().map(MaskedTokens::ids).toList());
        NDArray hidden = encoder.encode(scope, tokens, training, dropout);
        int length = tokens.length();
        long[] rows = new long[batch.stream().mapToInt(m -> m.positions().length).sum()];
        int k = 0;
        for (int b = 0; b < batch.size(); b++) {
            for (int p : batch.get(b).positions()) {
                rows[k++] = (long) b * length + p;
            }
        }
        NDArray flat = hidden.reshape(-1, encoder.config().hiddenSize());
        NDArray picked = Embedding.embedding(scope.create(rows), flat, SparseFormat.DENSE).singletonOrThrow();
        return head.logits(picked, encoder.parameters().get(WORD_EMBEDDINGS));
    }

    private static long[] targets(List<MaskedTokens> batch) {
        return batch.stream().flatMapToLong(m -> Arrays.stream(m.targets())).toArray();
    }

    @Override
    public Validation validate(NDManager parent, int batchSize) {
        AdaptationMetrics metrics = measure(encoder, head, tokenizer, validation, batchSize, parent);
        return new Validation(metrics, metrics.crossEntropy());
    }

    /** Masked-token accuracy and perplexity of the model on texts with their tokens hidden; no gradients. */
    static AdaptationMetrics measure(BertClassifierModel encoder, MaskedLmHead head, TextTokenizer tokenizer,
            List<MaskedTokens> texts, int batchSize, NDManager parent) {
        JniUtils.setGradMode(false);
        long masked = 0;
        long correct = 0;
        double crossEntropy = 0;
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<MaskedTokens> batch = texts.subList(from, Math.min(texts.size(), from + batchSize));
            long[] targets = targets(batch);
            if (targets.length == 0) {
                continue;
            }
            try (NDManager scope = parent.newSubManager()) {
                NDArray logits = maskedLogits(encoder, head, tokenizer, scope, batch, false, 0f);
                NDArray truth = scope.create(targets).reshape(-1, 1);
                crossEntropy -= logits.logSoftmax(1).gather(truth, 1).sum().getFloat();
                long[] predicted = logits.argMax(1).toLongArray();
                for (int i = 0; i < predicted.length; i++) {
                    correct += predicted[i] == targets[i] ? 1 : 0;
                }
                masked += targets.length;
            }
        }
        return AdaptationMetrics.of(texts.size(), masked, correct, crossEntropy);
    }

    @Override
    public Map<String, Tensor> weights() {
        Map<String, Tensor> all = new LinkedHashMap<>(encoder.toTensors());
        all.putAll(head.toTensors());
        return all;
    }

    @Override
    public void load(Map<String, Tensor> weights) throws WeightsException {
        load(weights, encoder, head);
    }

    /** Splits saved weights between the encoder and the head. */
    static void load(Map<String, Tensor> weights, BertClassifierModel encoder, MaskedLmHead head)
            throws WeightsException {
        Map<String, Tensor> encoderWeights = new LinkedHashMap<>();
        Map<String, Tensor> headWeights = new LinkedHashMap<>();
        weights.forEach((name, t) -> (name.startsWith(MaskedLmHead.PREFIX) ? headWeights : encoderWeights)
                .put(name, t));
        encoder.load(encoderWeights);
        head.load(headWeights);
    }

    /** The masking, the training-set size and a hash of the training texts' tokens. */
    @Override
    public String fingerprint() {
        int h = 1;
        for (long[] ids : train) {
            h = 31 * h + Arrays.hashCode(ids);
        }
        return "adaptation|" + probability + "|" + train.size() + "|" + Integer.toHexString(h);
    }

    @Override
    public String metricName() {
        return "validationMaskedAccuracy";
    }
}
