package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tuneledger.ml.GenerationSettings;
import io.tuneledger.ml.weights.SafeTensors;
import io.tuneledger.ml.weights.WeightsException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoder computes what the plain-PyTorch reference (bench/decoder_reference.py) computes for tiny random models
 * of every supported configuration, from the files that script stored: logits within 1e-4 at every position of each
 * prompt, and the same greedy continuations, generated with the key/value cache, one prompt at a time and both
 * prompts left-padded in one batch. Between them the configurations cover grouped- and multi-query attention, an
 * explicit head size, llama3 and linear rope scaling, tied and untied output, q/k/v and output bias, bfloat16,
 * float16 and float32 files, and a sharded checkpoint.
 */
class DecoderParityTest {

    static final Path GOLDEN = Path.of("src", "test", "resources", "decoder");

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa-bf16-sharded", "qwen2-mqa-tied-fp16", "llama-headdim-linear-f32"})
    void matchesTheReference(String name) throws Exception {
        Path dir = GOLDEN.resolve(name);
        JsonObject golden;
        try (Reader in = Files.newBufferedReader(dir.resolve("golden.json")); JsonReader r = Json.createReader(in)) {
            golden = r.readObject();
        }
        List<int[]> prompts = ints(golden.getJsonArray("prompts"));
        List<int[]> greedy = ints(golden.getJsonArray("greedy"));
        var logits = SafeTensors.read(dir.resolve("golden.safetensors")).tensors();
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                DecoderModel model = DecoderModel.load(manager, dir)) {
            for (int i = 0; i < prompts.size(); i++) {
                int[] prompt = prompts.get(i);
                float[] expected = logits.get("logits." + i).data();
                float[] actual;
                try (NDManager scope = manager.newSubManager()) {
                    long[] ids = Arrays.stream(prompt).asLongStream().toArray();
                    long[] positions = new long[prompt.length];
                    float[] mask = new float[prompt.length];
                    for (int j = 0; j < prompt.length; j++) {
                        positions[j] = j;
                        mask[j] = 1f;
                    }
                    NDArray hidden = model.hidden(scope, scope.create(ids, new Shape(1, prompt.length)),
                            scope.create(positions, new Shape(1, prompt.length)),
                            scope.create(mask, new Shape(1, prompt.length)), null);
                    actual = model.logits(hidden).toFloatArray();
                }
                assertEquals(expected.length, actual.length);
                float worst = 0;
                for (int j = 0; j < expected.length; j++) {
                    worst = Math.max(worst, Math.abs(expected[j] - actual[j]));
                }
                assertTrue(worst <= 1e-4, name + " prompt " + i + ": largest logit difference " + worst);
            }
            GenerationSettings settings = GenerationSettings.greedy(greedy.get(0).length, Set.of());
            for (int i = 0; i < prompts.size(); i++) {
                var alone = Generator.generate(model, manager, List.of(prompts.get(i)), settings).get(0);
                assertArrayEquals(greedy.get(i), alone.tokens(), name + " prompt " + i + " alone");
                assertFalse(alone.stopped());
            }
            var together = Generator.generate(model, manager, prompts, settings);
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(greedy.get(i), together.get(i).tokens(), name + " prompt " + i + " in a batch");
            }
        }
    }

    @Test
    void stopsAtAStopTokenAndSamplesReproducibly() throws Exception {
        Path dir = GOLDEN.resolve("qwen2-mqa-tied-fp16");
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                DecoderModel model = DecoderModel.load(manager, dir)) {
            int[] prompt = {1, 17, 42, 99, 7, 250, 31};
            int[] full = Generator.generate(model, manager, List.of(prompt), GenerationSettings.greedy(12, Set.of()))
                    .get(0).tokens();
            int stop = full[5];
            int firstStop = 0;
            while (full[firstStop] != stop) {
                firstStop++;
            }
            var cut = Generator.generate(model, manager, List.of(prompt), GenerationSettings.greedy(12, Set.of(stop)))
                    .get(0);
            assertTrue(cut.stopped());
            assertArrayEquals(Arrays.copyOf(full, firstStop), cut.tokens());

            GenerationSettings sampled = new GenerationSettings(12, 1.5, 0.95, 7, Set.of());
            List<int[]> twice = List.of(prompt, prompt);
            var a = Generator.generate(model, manager, twice, sampled);
            var again = Generator.generate(model, manager, List.of(prompt, prompt), sampled);
            // Same seed, same place in the call: the same text; another place draws from another stream.
            assertArrayEquals(a.get(0).tokens(), again.get(0).tokens());
            assertArrayEquals(a.get(1).tokens(), again.get(1).tokens());
            assertFalse(Arrays.equals(a.get(0).tokens(), a.get(1).tokens()), "two streams gave the same 12 tokens");
            assertFalse(Arrays.equals(full, a.get(0).tokens()), "sampling at temperature 1.5 gave the greedy text");
            // A nucleus so small it holds only the best token is greedy.
            var narrow = Generator.generate(model, manager, List.of(prompt),
                    new GenerationSettings(12, 1.0, 1e-6, 3, Set.of())).get(0);
            assertArrayEquals(full, narrow.tokens());
        }
    }

    @Test
    void refusesWeightsThatDoNotMatchTheConfig(@TempDir Path tmp) throws Exception {
        Path source = GOLDEN.resolve("qwen2-mqa-tied-fp16");
        Files.copy(source.resolve("model.safetensors"), tmp.resolve("model.safetensors"));
        String config = Files.readString(source.resolve("config.json"));
        Files.writeString(tmp.resolve("config.json"), config.replace("\"num_hidden_layers\": 3",
                "\"num_hidden_layers\": 2"));
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            WeightsException e = assertThrows(WeightsException.class, () -> DecoderModel.load(manager, tmp));
            assertTrue(e.getMessage().contains("not used by a qwen2 model: [model.layers.2."), e.getMessage());
            Files.writeString(tmp.resolve("config.json"), config.replace("\"hidden_act\": \"silu\"",
                    "\"hidden_act\": \"gelu\""));
            var refused = assertThrows(java.io.IOException.class, () -> DecoderModel.load(manager, tmp));
            assertTrue(refused.getMessage().contains("hidden_act 'gelu' is not supported"), refused.getMessage());
            Files.delete(tmp.resolve("model.safetensors"));
            Files.writeString(tmp.resolve("config.json"), config);
            refused = assertThrows(java.io.IOException.class, () -> DecoderModel.load(manager, tmp));
            assertTrue(refused.getMessage().contains("holds neither model.safetensors"), refused.getMessage());
        }
    }

    private static List<int[]> ints(JsonArray rows) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonArray row = rows.getJsonArray(i);
            int[] values = new int[row.size()];
            for (int j = 0; j < values.length; j++) {
                values[j] = row.getInt(j);
            }
            out.add(values);
        }
        return out;
    }
}
