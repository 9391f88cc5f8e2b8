package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
    /** The most elements one update pass touches: 1 Mi floats, 4 MB. */
    private static final long CHUNK = 1L << 20;

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
            NDArray g = gradients.get(name);
            NDArray m = firstMoments.get(name);
            NDArray v = secondMoments.get(name);
            float decay = weightDecay > 0 && decays(name) ? 1f - lr * weightDecay : 1f;
            long size = p.size();
            long rows = p.getShape().dimension() > 1 ? p.getShape().get(0) : 1;
            if (size <= CHUNK || rows == 1) {
                update(scope, p, g, m, v, gradScale, decay, stepSize, bc2Sqrt);
                continue;
            }
            // A large parameter (the word embeddings) is updated in row slices, views of the same memory: every
            // temporary stays under glibc's largest mmap threshold and reuses freed memory, where one the size of
            // the whole parameter was mapped afresh and page-faulted on every step. Element-wise, so the result is
            // the same.
            long step = Math.max(1, CHUNK / (size / rows));
            long[] cuts = new long[(int) ((rows - 1) / step)];
            for (int i = 0; i < cuts.length; i++) {
                cuts[i] = (i + 1) * step;
            }
            NDList ps = p.split(cuts);
            NDList gs = g.split(cuts);
            NDList ms = m.split(cuts);
            NDList vs = v.split(cuts);
            for (NDList views : List.of(ps, gs, ms, vs)) {
                views.attach(scope);
            }
            for (int i = 0; i < ps.size(); i++) {
                update(scope, ps.get(i), gs.get(i), ms.get(i), vs.get(i), gradScale, decay, stepSize, bc2Sqrt);
            }
        }
    }

    private static void update(NDManager scope, NDArray p, NDArray g, NDArray m, NDArray v, float gradScale,
            float decay, float stepSize, float bc2Sqrt) {
        // In place wherever possible; the gradient itself is consumed (it is zeroed after the step anyway). The
        // temporaries are freed at once, so the next slice reuses their memory.
        try (NDManager local = scope.newSubManager()) {
            if (gradScale != 1f) {
                g.muli(gradScale);
            }
            if (decay != 1f) {
                p.muli(decay);
            }
            NDArray squared = g.square();
            squared.attach(local);
            v.muli(BETA2).addi(squared.muli(1f - BETA2));
            m.muli(BETA1).addi(g.muli(1f - BETA1));
            NDArray denominator = v.sqrt();
            denominator.attach(local);
            denominator.divi(bc2Sqrt).addi(EPSILON);
            NDArray update = m.div(denominator);
            update.attach(local);
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
