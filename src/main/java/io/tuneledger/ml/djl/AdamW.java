package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.weights.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW with decoupled weight decay (Loshchilov and Hutter; PyTorch's {@code torch.optim.AdamW}), betas 0.9/0.999,
 * epsilon 1e-8. Biases and LayerNorm weights are not decayed. The moments are plain arrays that a training
 * checkpoint saves and restores exactly.
 */
public final class AdamW implements AutoCloseable {

    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.999f;
    static final float EPSILON = 1e-8f;

    private final NDManager manager;
    private final Map<String, NDArray> parameters;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private final float weightDecay;

    /** An optimizer for {@code parameters} (by name), with zero moments. */
    public AdamW(NDManager parent, Map<String, NDArray> parameters, float weightDecay) {
        this.manager = parent.newSubManager();
        this.parameters = parameters;
        this.weightDecay = weightDecay;
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            firstMoments.put(e.getKey(), manager.zeros(e.getValue().getShape()));
            secondMoments.put(e.getKey(), manager.zeros(e.getValue().getShape()));
        }
    }

    /** Whether a parameter is decayed: not biases, not LayerNorm weights. */
    static boolean decays(String name) {
        return !name.endsWith(".bias") && !name.contains("LayerNorm");
    }

    /**
     * Applies one update with learning rate {@code lr} at 1-based step {@code t}, from the gradients scaled by
     * {@code gradScale} (clipping). Temporaries go to {@code scope}.
     */
    public void step(NDManager scope, Map<String, NDArray> gradients, float lr, int t, float gradScale) {
        float bc1 = 1f - (float) StrictMath.pow(BETA1, t);
        float bc2 = 1f - (float) StrictMath.pow(BETA2, t);
        float stepSize = lr / bc1;
        float bc2Sqrt = (float) Math.sqrt(bc2);
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            String name = e.getKey();
            NDArray p = e.getValue();
            // In place wherever possible: a temporary the size of the word embeddings costs a fresh allocation and
            // its page faults on every step. The gradient itself is consumed (it is zeroed after the step anyway).
            NDArray g = gradients.get(name);
            if (gradScale != 1f) {
                g.muli(gradScale);
            }
            NDArray m = firstMoments.get(name);
            NDArray v = secondMoments.get(name);
            if (weightDecay > 0 && decays(name)) {
                p.muli(1f - lr * weightDecay);
            }
            NDArray squared = g.square();
            squared.attach(scope);
            v.muli(BETA2).addi(squared.muli(1f - BETA2));
            m.muli(BETA1).addi(g.muli(1f - BETA1));
            NDArray denominator = v.sqrt();
            denominator.attach(scope);
            denominator.divi(bc2Sqrt).addi(EPSILON);
            NDArray update = m.div(denominator);
            update.attach(scope);
            p.subi(update.muli(stepSize));
        }
    }

    /** The moments, for a checkpoint: {@code m.NAME} and {@code v.NAME}. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : parameters.keySet()) {
            out.put("m." + name, tensor("m." + name, firstMoments.get(name)));
            out.put("v." + name, tensor("v." + name, secondMoments.get(name)));
        }
        return out;
    }

    /** Restores the moments saved by {@link #state()}. */
    public void restore(Map<String, Tensor> state) {
        for (String name : parameters.keySet()) {
            for (String kind : List.of("m.", "v.")) {
                Tensor t = state.get(kind + name);
                if (t == null) {
                    throw new IllegalStateException("The checkpoint holds no optimizer state " + kind + name);
                }
                (kind.equals("m.") ? firstMoments : secondMoments).get(name).set(t.data());
            }
        }
    }

    private static Tensor tensor(String name, NDArray a) {
        return new Tensor(name, a.getShape().getShape(), a.toFloatArray());
    }

    @Override
    public void close() {
        manager.close();
    }
}
