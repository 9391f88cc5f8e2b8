package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.ml.AnswerMetrics;
import io.tuneledger.ml.Baseline;
import io.tuneledger.ml.ChatTemplate;
import io.tuneledger.ml.Conversation;
import io.tuneledger.ml.RunSpec;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.StartingPoint;
import io.tuneledger.ml.TaskRun;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.TrainingSession;
import io.tuneledger.ml.weights.DecoderArtifacts;
import jakarta.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generation task end to end on the bundled tiny random Qwen2 model and the bundled command questions
 * (samples/manpages-commands-en.jsonl, a mechanics demonstration): the base model's answers score nothing, LoRA
 * teaches the answer form and the artifact holds PEFT adapters, tokenizer, and a merged model that answers as the
 * adapted one does.
 */
class DjlGenerationTaskTest {

    static final Path MODEL = Path.of("samples", "models", "tiny-random-qwen2");
    static final Path SAMPLE = Path.of("samples", "manpages-commands-en.jsonl");
    static final Path CHAT_SAMPLE = Path.of("samples", "manpages-chat-en.jsonl");

    @TempDir
    Path dir;

    /** The sample split 8:1:1 by line, as a dataset version's files. */
    static Path dataset(Path dir) throws Exception {
        return splitByLine(Files.createDirectories(dir.resolve("dataset")), Files.readAllLines(SAMPLE));
    }

    /** Lines split 8:1:1 by their place, written as a dataset version's split files in {@code data}. */
    static Path splitByLine(Path data, List<String> lines) throws Exception {
        Map<Split, List<String>> out = Map.of(Split.TRAIN, new ArrayList<>(), Split.VALIDATION, new ArrayList<>(),
                Split.TEST, new ArrayList<>());
        for (int i = 0; i < lines.size(); i++) {
            out.get(i % 10 == 8 ? Split.VALIDATION : i % 10 == 9 ? Split.TEST : Split.TRAIN).add(lines.get(i));
        }
        for (Split s : Split.values()) {
            Files.write(data.resolve(s.fileName()), out.get(s));
        }
        return data;
    }

    static TrainingConfig config(TrainingConfig.TrainMode mode) {
        TrainingConfig base = TrainingConfig.builder().optMode(mode).optEpochs(3).optBatchSize(8)
                .optLearningRate(2e-2f).optWarmupRatio(0f).optMaxLength(160).build();
        return base.withTaskSettings(Map.of(TrainingParameters.GENERATION_MAX_NEW_TOKENS.name(), 24,
                TrainingParameters.LORA_RANK.name(), 8, TrainingParameters.LORA_ALPHA.name(), 16f,
                TrainingParameters.LORA_DROPOUT.name(), 0f, TrainingParameters.LORA_TARGETS.name(),
                List.of("query", "value", "o_proj")));
    }

    @Test
    void loraLearnsTheAnswerFormAndExportsAdaptersAndAMergedModel() throws Exception {
        RunSpec spec = new RunSpec(dataset(dir), "commands v1", StartingPoint.of(MODEL.toAbsolutePath(), "tiny"),
                config(TrainingConfig.TrainMode.LORA));
        DjlGenerationTask task = new DjlGenerationTask();
        AnswerMetrics after;
        Path artifact = dir.resolve("artifact");
        String sha;
        Baseline baseline;
        try (TaskRun run = task.open(spec)) {
            baseline = run.baseline(dir.resolve("baseline"), () -> false);
            try (TrainingSession session = run.newSession(dir.resolve("train"))) {
                while (!session.finished()) {
                    session.step();
                }
                run.loadWeights(session.bestWeights());
            }
            after = (AnswerMetrics) run.evaluate(Split.TEST);
            sha = run.export(artifact, Json.createObjectBuilder().add("task", "generation").build());
        }
        AnswerMetrics before = (AnswerMetrics) baseline.test();
        assertTrue(before.tokenF1() < 0.05, "the random base model answers nothing useful: " + before);
        assertTrue(after.tokenF1() > before.tokenF1() + 0.2, before.describe() + " -> " + after.describe());
        assertEquals(5, after.samples().size());
        assertTrue(after.samples().stream().filter(s -> s.answer().contains("(from ")).count() >= 3,
                "answers in the trained form: " + after.samples());
        assertTrue(before.samples().stream().noneMatch(s -> s.answer().contains("(from ")), before.samples()
                .toString());
        assertEquals(ModelArtifact.sha256(artifact.resolve(DecoderArtifacts.ADAPTER_WEIGHTS)), sha);
        for (String f : List.of("adapter_config.json", "tokenizer.json", "tokenizer_config.json", "provenance.json",
                "SHA256SUMS", "merged/config.json", "merged/model.safetensors", "merged/tokenizer.json")) {
            assertTrue(Files.isRegularFile(artifact.resolve(f)), f);
        }
        assertTrue(Files.notExists(artifact.resolve("model.safetensors")), "adapters only beside merged/");
        // The merged model, opened as a base model with full fine-tuning's layout, answers as the adapted model did.
        RunSpec merged = new RunSpec(spec.datasetDir(), spec.datasetRef(), StartingPoint.of(
                artifact.resolve(DjlGenerationTask.MERGED), "merged"), config(TrainingConfig.TrainMode.FULL));
        try (TaskRun run = task.open(merged)) {
            AnswerMetrics again = (AnswerMetrics) run.evaluate(Split.TEST);
            assertEquals(after.samples(), again.samples());
            assertEquals(after.tokenF1(), again.tokenF1(), 1e-9);
        }
    }

    /** The brought weights' SHA-256: the file's, or for shards {@code sha256sum model-*.safetensors | sha256sum}. */
    @Test
    void broughtWeightsAreIdentifiedAsSha256sumWould() throws Exception {
        assertEquals(ModelArtifact.sha256(MODEL.resolve("model.safetensors")),
                DjlGenerationTask.weightsSha256(MODEL));
        Path sharded = DecoderParityTest.GOLDEN.resolve("llama-gqa-bf16-sharded");
        String listing = "";
        for (String shard : List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")) {
            listing += ModelArtifact.sha256(sharded.resolve(shard)) + "  " + shard + "\n";
        }
        assertEquals(ModelArtifact.sha256(new java.io.ByteArrayInputStream(listing.getBytes(
                java.nio.charset.StandardCharsets.UTF_8))), DjlGenerationTask.weightsSha256(sharded));
    }

    /**
     * Conversations (samples/manpages-chat-en.jsonl: a system message, a question, the command, a follow-up
     * question; the package is the response): the whole conversation reaches the model through its chat template,
     * and LoRA learns the last answer.
     */
    @Test
    void conversationsAreRenderedThroughTheChatTemplateAndLearned() throws Exception {
        List<String> lines = Files.readAllLines(CHAT_SAMPLE);
        List<String> records = new ArrayList<>();
        for (String line : lines) {
            var o = Json.createReader(new java.io.StringReader(line)).readObject();
            Conversation c = Conversation.of(o.getJsonArray("messages")).checkedAsRecord();
            records.add(Json.createObjectBuilder().add("id", o.getString("id")).add("prompt", c.prompt().text())
                    .add("messages", c.prompt().toJson()).add("response", c.response()).build().toString());
        }
        Path data = splitByLine(Files.createDirectories(dir.resolve("chat")), records);
        var first = Conversation.parse(Json.createReader(new java.io.StringReader(lines.get(0))).readObject()
                .getJsonArray("messages").toString());
        ChatTemplate template = ChatTemplate.parse(Json.createReader(Files.newBufferedReader(MODEL.resolve(
                "tokenizer_config.json"))).readObject().getString("chat_template"));
        assertEquals("<|im_start|>system\nYou name Debian commands and the packages they come from.<|im_end|>\n"
                + "<|im_start|>user\nWhich command would you use to check file types and compare values?<|im_end|>\n"
                + "<|im_start|>assistant\ntest<|im_end|>\n<|im_start|>user\nWhich package is it from?<|im_end|>\n"
                + "<|im_start|>assistant\n", DjlGenerationTask.promptText(new DjlGenerationTask.Pair(
                        first.prompt().text(), first.prompt(), first.response()), template, "<|im_end|>"));
        assertEquals("user: Hello\nassistant: ", DjlGenerationTask.promptText(new DjlGenerationTask.Pair(
                "user: Hello", new Conversation(List.of(new Conversation.Message("user", "Hello"))), "Hi"), null,
                null), "without a template: the conversation's lines and the assistant's turn");

        TrainingConfig config = TrainingConfig.builder().optMode(TrainingConfig.TrainMode.LORA).optEpochs(1)
                .optBatchSize(8).optLearningRate(2e-2f).optWarmupRatio(0f).optMaxLength(256).build()
                .withTaskSettings(config(TrainingConfig.TrainMode.LORA).taskSettings());
        RunSpec spec = new RunSpec(data, "chat v1", StartingPoint.of(MODEL.toAbsolutePath(), "tiny"), config);
        AnswerMetrics before;
        AnswerMetrics after;
        try (TaskRun run = new DjlGenerationTask().open(spec)) {
            before = (AnswerMetrics) run.evaluate(Split.TEST);
            try (TrainingSession session = run.newSession(dir.resolve("chat-train"))) {
                while (!session.finished()) {
                    session.step();
                }
                run.loadWeights(session.bestWeights());
            }
            after = (AnswerMetrics) run.evaluate(Split.TEST);
        }
        assertTrue(after.tokenF1() > before.tokenF1() + 0.2, before.describe() + " -> " + after.describe());
        assertTrue(after.samples().get(0).prompt().startsWith("system: You name Debian commands"),
                "the report shows the conversation: " + after.samples().get(0));
    }

    @Test
    void aShippedEncoderIsNotADecoder() {
        RunSpec spec = new RunSpec(dir, "x v1", StartingPoint.of(io.tuneledger.ml.BaseModel.ALL_MINILM_L6_V2),
                config(TrainingConfig.TrainMode.LORA));
        var e = assertThrows(IllegalStateException.class, () -> new DjlGenerationTask().open(spec));
        assertTrue(e.getMessage().contains("base.model must be its directory"), e.getMessage());
    }
}
