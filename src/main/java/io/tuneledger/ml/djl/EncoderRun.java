package io.tuneledger.ml.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.RunSpec;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.TaskRun;
import io.tuneledger.ml.weights.WeightsException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What every task's run on a BERT encoder shares: the starting weights, the dataset's examples of type {@code E} by
 * split, and the model built in its own manager with its tokenizer (truncating to the configured length), all freed
 * on close.
 */
abstract class EncoderRun<E> implements TaskRun {

    /** Builds the task's model from the starting weights in {@code manager}. */
    interface ModelFactory {
        BertClassifierModel create(NDManager manager) throws WeightsException;
    }

    protected final RunSpec spec;
    protected final StartingWeights start;
    protected final NDManager manager;
    protected final TextTokenizer tokenizer;
    protected final BertClassifierModel model;
    private final Map<Split, List<E>> splits;

    EncoderRun(RunSpec spec, StartingWeights start, Map<Split, List<E>> splits, ModelFactory factory)
            throws IOException {
        this.spec = spec;
        this.start = start;
        this.splits = splits;
        NDManager m = Engine.getEngine("PyTorch").newBaseManager();
        TextTokenizer t = null;
        try {
            t = TextTokenizer.load(new ByteArrayInputStream(start.tokenizerJson()), spec.config().maxLength());
            this.model = factory.create(m);
        } catch (IOException | RuntimeException e) {
            if (t != null) {
                t.close();
            }
            m.close();
            throw e;
        }
        this.tokenizer = t;
        this.manager = m;
    }

    @Override
    public String baseDescription() {
        return start.description();
    }

    @Override
    public String baseSha256() {
        return start.sha256();
    }

    @Override
    public int size(Split split) {
        return splits.get(split).size();
    }

    /** The split's examples; an empty one cannot be trained or measured on. */
    protected List<E> examples(Split split) {
        return nonEmpty(splits.get(split), split, spec);
    }

    /** A split's records, or an {@link IllegalStateException} saying what to do when there are none. */
    static <T> List<T> nonEmpty(List<T> records, Split split, RunSpec spec) {
        if (records.isEmpty()) {
            throw new IllegalStateException("The " + split.parameterName() + " split of dataset "
                    + spec.datasetRef() + " is empty; prepare a larger dataset or change its split");
        }
        return records;
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
        manager.close();
    }
}
