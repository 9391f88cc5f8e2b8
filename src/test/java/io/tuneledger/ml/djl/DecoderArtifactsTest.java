package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.weights.DecoderArtifacts;
import io.tuneledger.ml.weights.SafeTensors;
import io.tuneledger.ml.weights.Tensor;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decoder's adapters go out in PEFT's layout and its merged weights as a model directory of their own: the adapters
 * read back onto the base model, and the merged directory loaded alone, both give the adapted model's logits.
 */
class DecoderArtifactsTest {

    static final Path BASE = DecoderParityTest.GOLDEN.resolve("llama-gqa-bf16-sharded");
    static final int[] PROMPT = {1, 17, 42, 99, 7, 250, 31, 5};

    @TempDir
    Path tmp;

    @Test
    void adaptersAndMergedWeightsGiveTheAdaptedModelsLogits() throws Exception {
        TrainingConfig.Lora lora = new TrainingConfig.Lora(4, 16, 0.05f, List.of("query", "value", "down_proj"));
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            float[] adapted;
            float[] plain;
            Map<String, Tensor> adapters;
            try (DecoderModel model = DecoderModel.load(manager, BASE)) {
                plain = logits(model, manager);
                model.addLora(lora, 3);
                // Non-zero B, as after training (a fresh adapter's B is zero and would change nothing).
                Random random = new Random(4);
                Map<String, Tensor> trained = new LinkedHashMap<>();
                model.toTensors(DecoderModel::isAdapter).forEach((name, t) -> {
                    float[] v = t.data().clone();
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) random.nextGaussian() * 0.1f;
                    }
                    trained.put(name, new Tensor(name, t.shape(), v));
                });
                model.load(trained);
                adapted = logits(model, manager);
                adapters = trained;
            }
            assertTrue(largestDifference(plain, adapted) > 0.1, "the adapters change nothing");

            Path adapterDir = tmp.resolve("adapter");
            Path mergedDir = tmp.resolve("merged");
            DecoderArtifacts.saveAdapter(adapterDir, BASE, lora, adapters);
            DecoderArtifacts.saveMerged(mergedDir, BASE, lora, adapters);

            JsonObject config = Json.createReader(new StringReader(
                    Files.readString(adapterDir.resolve(DecoderArtifacts.ADAPTER_CONFIG)))).readObject();
            assertEquals("CAUSAL_LM", config.getString("task_type"));
            assertEquals(List.of("q_proj", "v_proj", "down_proj"), config.getJsonArray("target_modules")
                    .getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString)
                    .toList());
            assertTrue(SafeTensors.read(adapterDir.resolve(DecoderArtifacts.ADAPTER_WEIGHTS)).tensors()
                    .containsKey("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"));

            DecoderArtifacts.Adapter back = DecoderArtifacts.readAdapter(adapterDir);
            try (DecoderModel model = DecoderModel.load(manager, BASE)) {
                model.addLora(back.lora(), 99);
                model.load(back.tensors());
                assertTrue(largestDifference(adapted, logits(model, manager)) <= 1e-6, "adapter read back");
            }
            // The base is sharded: so is the merged model, shard by shard.
            assertTrue(Files.exists(mergedDir.resolve("model.safetensors.index.json")));
            try (DecoderModel merged = DecoderModel.load(manager, mergedDir)) {
                assertEquals(null, merged.lora());
                float difference = largestDifference(adapted, logits(merged, manager));
                assertTrue(difference <= 1e-4, "merged model: largest logit difference " + difference);
            }
            assertThrows(IOException.class, () -> DecoderArtifacts.saveMerged(mergedDir, BASE, lora, adapters));
        }
    }

    static float[] logits(DecoderModel model, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            int n = PROMPT.length;
            long[] ids = new long[n];
            long[] positions = new long[n];
            float[] mask = new float[n];
            for (int i = 0; i < n; i++) {
                ids[i] = PROMPT[i];
                positions[i] = i;
                mask[i] = 1f;
            }
            return model.logits(model.hidden(scope, scope.create(ids, new Shape(1, n)),
                    scope.create(positions, new Shape(1, n)), scope.create(mask, new Shape(1, n)), null))
                    .toFloatArray();
        }
    }

    static float largestDifference(float[] a, float[] b) {
        float worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
