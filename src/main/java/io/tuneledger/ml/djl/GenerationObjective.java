package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.pytorch.jni.JniUtils;
import io.tuneledger.ml.ResponseMetrics;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.weights.Tensor;
import io.tuneledger.ml.weights.WeightsException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Instruction tuning's part of a training session: a decoder learns to continue each prompt with its response. The
 * loss is the cross-entropy of the response tokens only (each predicted from the prompt and the response before it);
 * prompt tokens are context, never targets. Sequences of a batch are right-padded and padding is masked out of the
 * keys. In LoRA mode only the adapters train, in full mode every parameter; there is no head of its own, so head mode
 * is refused.
 */
public final class GenerationObjective implements TrainingObjective {

    /** One example: prompt tokens (chat template applied) and response tokens (ending with the stop token). */
    public record Example(int[] prompt, int[] response) {
        public Example {
            if (prompt.length == 0 || response.length == 0) {
                throw new IllegalArgumentException("An example needs prompt and response tokens");
            }
        }

        int length() {
            return prompt.length + response.length;
        }
    }

    private final DecoderModel model;
    private final List<Example> train;
    private final List<Example> validation;

    public GenerationObjective(DecoderModel model, List<Example> train, List<Example> validation) {
        if (validation.isEmpty()) {
            throw new IllegalArgumentException("No validation examples");
        }
        this.model = model;
        this.train = List.copyOf(train);
        this.validation = List.copyOf(validation);
    }

    @Override
    public Map<String, NDArray> parameters() {
        return model.parameters();
    }

    @Override
    public boolean trains(String parameter, TrainingConfig.TrainMode mode) {
        return switch (mode) {
            case FULL -> true;
            case LORA -> DecoderModel.isAdapter(parameter);
            default -> throw new IllegalArgumentException("train.mode=" + mode.name().toLowerCase(java.util.Locale.ROOT)
                    + " does not apply to a decoder (it has no head of its own): use lora or full");
        };
    }

    @Override
    public int trainSize() {
        return train.size();
    }

    @Override
    public NDArray loss(NDManager scope, int[] indices, float dropout, long seed) {
        List<Example> batch = new ArrayList<>(indices.length);
        for (int i : indices) {
            batch.add(train.get(i));
        }
        Scored scored = responseScores(scope, batch, true);
        return scored.logProbabilities.gather(scored.targets, 1).mean().neg();
    }

    /** Log-probabilities [response tokens, vocab] at the positions that predict a response token, and the targets. */
    private record Scored(NDArray logProbabilities, NDArray targets, long[] targetIds) {
    }

    private Scored responseScores(NDManager scope, List<Example> batch, boolean training) {
        int b = batch.size();
        int length = batch.stream().mapToInt(Example::length).max().orElse(0);
        long[] ids = new long[b * length];
        long[] positions = new long[b * length];
        float[] mask = new float[b * length];
        List<Long> rows = new ArrayList<>();
        List<Long> targets = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            Example e = batch.get(r);
            int n = e.length();
            for (int i = 0; i < n; i++) {
                ids[r * length + i] = i < e.prompt.length ? e.prompt[i] : e.response[i - e.prompt.length];
                positions[r * length + i] = i;
                mask[r * length + i] = 1f;
            }
            // The token at position i predicts the one at i + 1: the last prompt token predicts the first response
            // token, and so on up to the second-to-last token of the sequence.
            for (int i = e.prompt.length - 1; i < n - 1; i++) {
                rows.add((long) r * length + i);
                targets.add(ids[r * length + i + 1]);
            }
        }
        NDArray hidden = model.hidden(scope, scope.create(ids, new Shape(b, length)),
                scope.create(positions, new Shape(b, length)), scope.create(mask, new Shape(b, length)), null,
                training);
        // Rows of the flattened hidden states, picked as an embedding lookup (gathered, and differentiable).
        NDArray picked = Embedding.embedding(scope.create(rows.stream().mapToLong(Long::longValue).toArray()),
                hidden.reshape(-1, model.config().hiddenSize()), SparseFormat.DENSE).singletonOrThrow();
        long[] targetIds = targets.stream().mapToLong(Long::longValue).toArray();
        return new Scored(model.logits(picked).logSoftmax(1), scope.create(targetIds).reshape(-1, 1), targetIds);
    }

    @Override
    public Validation validate(NDManager parent, int batchSize) {
        ResponseMetrics metrics = measure(validation, batchSize, parent);
        return new Validation(metrics, metrics.crossEntropy());
    }

    /** Response-token accuracy and perplexity on {@code examples}; no gradients. */
    public ResponseMetrics measure(List<Example> examples, int batchSize, NDManager parent) {
        JniUtils.setGradMode(false);
        long tokens = 0;
        long correct = 0;
        double crossEntropy = 0;
        for (int from = 0; from < examples.size(); from += batchSize) {
            List<Example> batch = examples.subList(from, Math.min(examples.size(), from + batchSize));
            try (NDManager scope = parent.newSubManager()) {
                Scored s = responseScores(scope, batch, false);
                crossEntropy -= s.logProbabilities.gather(s.targets, 1).sum().getFloat();
                long[] predicted = s.logProbabilities.argMax(1).toLongArray();
                for (int i = 0; i < predicted.length; i++) {
                    correct += predicted[i] == s.targetIds[i] ? 1 : 0;
                }
                tokens += predicted.length;
            }
        }
        return ResponseMetrics.of(examples.size(), tokens, correct, crossEntropy);
    }

    @Override
    public Map<String, Tensor> weights() {
        return model.toTensors(name -> true);
    }

    @Override
    public void load(Map<String, Tensor> weights) throws WeightsException {
        model.load(weights);
    }

    /** The adapters' settings, the training-set size and a hash of the training tokens. */
    @Override
    public String fingerprint() {
        int h = 1;
        for (Example e : train) {
            h = 31 * (31 * h + Arrays.hashCode(e.prompt)) + Arrays.hashCode(e.response);
        }
        return "generation|" + model.lora() + "|" + train.size() + "|" + Integer.toHexString(h);
    }

    @Override
    public String metricName() {
        return "validationResponseTokenAccuracy";
    }
}
