package io.tuneledger.ml.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.config.Parameter;
import io.tuneledger.data.DatasetAssembler;
import io.tuneledger.data.JsonlFiles;
import io.tuneledger.ml.AnswerMetrics;
import io.tuneledger.ml.Baseline;
import io.tuneledger.ml.ChatTemplate;
import io.tuneledger.ml.Conversation;
import io.tuneledger.ml.DecoderConfig;
import io.tuneledger.ml.FineTuningTask;
import io.tuneledger.ml.GenerationSettings;
import io.tuneledger.ml.Predictor;
import io.tuneledger.ml.RunSpec;
import io.tuneledger.ml.ScoreEngine;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.TaskMetrics;
import io.tuneledger.ml.TaskRun;
import io.tuneledger.ml.TaskType;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.TrainingSession;
import io.tuneledger.ml.weights.DecoderArtifacts;
import io.tuneledger.ml.weights.DecoderWeights;
import io.tuneledger.ml.weights.SafeTensors;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Generative fine-tuning of a decoder the enterprise brings (a Hugging Face Llama or Qwen2 directory,
 * {@link DecoderModel}): instruction tuning on prompt-response pairs with the loss on response tokens only
 * ({@link GenerationObjective}), LoRA or full; judged by answers generated greedily for the test prompts against the
 * reference responses ({@link AnswerMetrics}: token F1 first), before (the base model as brought) and after; saved in
 * Hugging Face layout: PEFT's adapter files and the merged model under {@value #MERGED}, or the whole fine-tuned model.
 *
 * <p>A prompt is put to the model through the chat template of its tokenizer_config.json (one user message, or a
 * conversation's messages, and the assistant's turn opened), or, for a model without one, as its text and a new line;
 * the response the model learns is the response's tokens and the end-of-sequence token.
 */
public final class DjlGenerationTask implements FineTuningTask {

    private static final Logger LOG = Logger.getLogger(DjlGenerationTask.class.getName());

    /** The merged model's directory inside a LoRA artifact. */
    public static final String MERGED = "merged";
    /** How many generated answers of a split its figures keep, for the report. */
    static final int SAMPLES = 5;
    /** Prompts generated for together. */
    static final int BATCH = 8;

    @Override
    public TaskType type() {
        return TaskType.GENERATION;
    }

    @Override
    public String gateMetric() {
        return "test token F1";
    }

    @Override
    public Parameter<Double> gateParameter() {
        return TrainingParameters.GATE_MIN_TOKEN_F1;
    }

    /** {@code generation.max.new.tokens}. */
    @Override
    public List<Parameter<?>> parameters() {
        return TrainingParameters.GENERATION;
    }

    @Override
    public TaskRun open(RunSpec spec) throws IOException {
        if (spec.start().directory() == null) {
            throw new IllegalStateException("task=generation fine-tunes a decoder model you bring: base.model must be"
                    + " its directory (config.json, model.safetensors, tokenizer.json), not " + spec.start()
                    .description());
        }
        Map<Split, List<Pair>> splits = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            List<Pair> pairs = new ArrayList<>();
            JsonlFiles.forEach(spec.datasetDir().resolve(split.fileName()), o -> pairs.add(new Pair(
                    o.getString(DatasetAssembler.PROMPT), o.containsKey(DatasetAssembler.MESSAGES)
                            ? Conversation.of(o.getJsonArray(DatasetAssembler.MESSAGES)) : null,
                    o.getString(DatasetAssembler.RESPONSE))));
            splits.put(split, pairs);
        }
        return new GenerationRun(spec, spec.start().directory(), splits);
    }

    @Override
    public Predictor predictor(Path artifactDir, ScoreEngine engine, boolean bucketing, int threads) {
        throw new IllegalStateException("The model in " + artifactDir + " is a generation model: it answers prompts"
                + " and has no labels to score texts with");
    }

    /**
     * The SHA-256 that identifies a decoder's weights: that of model.safetensors, or for a sharded model that of the
     * listing {@code sha256sum} prints for its shards in name order ({@code <hash>  <file>} lines), so that an
     * auditor can recompute it with {@code sha256sum model-*.safetensors | sha256sum}.
     */
    public static String weightsSha256(Path dir) throws IOException {
        List<Path> files = DecoderWeights.files(dir);
        if (files.size() == 1 && files.get(0).getFileName().toString().equals(DecoderWeights.SINGLE)) {
            return ModelArtifact.sha256(files.get(0));
        }
        String listing = ModelArtifact.sha256sums(dir, files.stream().map(f -> f.getFileName().toString()).sorted()
                .toList());
        return ModelArtifact.sha256(new java.io.ByteArrayInputStream(listing.getBytes(
                java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * A prompt and its reference response, as the dataset version holds them; for a conversation, {@code messages}
     * holds the messages before the response and {@code prompt} their text ({@code null} messages otherwise).
     */
    record Pair(String prompt, Conversation messages, String response) {
    }

    /**
     * The prompt as the model reads it: one user message (or a conversation's messages) through the model's chat
     * template with the assistant's turn opened; without a template, the prompt's text and a new line (a
     * conversation's {@code role: text} lines and {@code assistant: }).
     */
    static String promptText(Pair p, ChatTemplate template, String eosToken) {
        if (template == null) {
            return p.messages() == null ? p.prompt() + "\n"
                    : p.messages().text() + "\n" + Conversation.ASSISTANT + ": ";
        }
        List<Map<String, Object>> messages = p.messages() != null ? p.messages().forTemplate()
                : List.of(Map.of("role", Conversation.USER, "content", p.prompt()));
        return template.render(messages, true, Map.of("eos_token", eosToken == null ? "" : eosToken,
                "bos_token", ""));
    }

    /** The decoder loaded from the brought directory with its tokenizer and template, and the splits' pairs. */
    private static final class GenerationRun implements TaskRun {
        private final RunSpec spec;
        private final Path baseDir;
        private final Map<Split, List<Pair>> splits;
        private final NDManager manager;
        private final DecoderModel model;
        private final DecoderTokenizer tokenizer;
        private final ChatTemplate template;
        private final Set<Integer> stopTokens;
        private final int endToken;
        private String baseSha256;

        GenerationRun(RunSpec spec, Path baseDir, Map<Split, List<Pair>> splits) throws IOException {
            this.spec = spec;
            this.baseDir = baseDir;
            this.splits = splits;
            NDManager m = Engine.getEngine("PyTorch").newBaseManager();
            DecoderTokenizer t = null;
            try {
                t = DecoderTokenizer.load(baseDir);
                this.model = DecoderModel.load(m, baseDir);
            } catch (IOException | RuntimeException e) {
                if (t != null) {
                    t.close();
                }
                m.close();
                throw e;
            }
            this.manager = m;
            this.tokenizer = t;
            this.template = t.chatTemplate() == null ? null : ChatTemplate.parse(t.chatTemplate());
            DecoderConfig config = model.config();
            Set<Integer> stops = new HashSet<>(config.eosTokenIds());
            int eos = t.eosToken() == null ? -1 : t.tokenId(t.eosToken());
            if (eos >= 0) {
                stops.add(eos);
            }
            if (stops.isEmpty()) {
                close();
                throw new IllegalStateException("The model in " + baseDir + " names no end-of-sequence token (neither"
                        + " eos_token_id in config.json nor eos_token in tokenizer_config.json): its answers could"
                        + " not end");
            }
            this.stopTokens = Set.copyOf(stops);
            this.endToken = eos >= 0 ? eos : config.eosTokenIds().get(0);
            if (spec.config().mode() == TrainingConfig.TrainMode.LORA) {
                model.addLora(spec.config().lora(), spec.config().seed());
            }
        }

        @Override
        public List<String> labels() {
            return List.of();
        }

        @Override
        public String baseDescription() {
            return spec.start().description();
        }

        @Override
        public String baseSha256() {
            if (baseSha256 == null) {
                try {
                    baseSha256 = weightsSha256(baseDir);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return baseSha256;
        }

        @Override
        public int size(Split split) {
            return splits.get(split).size();
        }

        private List<Pair> pairs(Split split) {
            return EncoderRun.nonEmpty(splits.get(split), split, spec);
        }

        private int[] promptTokens(Pair p) {
            return tokenizer.encode(promptText(p, template, tokenizer.eosToken()));
        }

        /**
         * The training examples of a split within {@code train.max.length} tokens: a longer example keeps the start
         * of its response (at least half the length, or all of it when shorter) and the end of its prompt (where the
         * chat template opens the assistant's turn).
         */
        private List<GenerationObjective.Example> examples(Split split) {
            int max = spec.config().maxLength();
            List<GenerationObjective.Example> out = new ArrayList<>();
            int cut = 0;
            for (Pair p : pairs(split)) {
                int[] prompt = promptTokens(p);
                int[] answer = tokenizer.encode(p.response());
                int[] response = Arrays.copyOf(answer, answer.length + 1);
                response[answer.length] = endToken;
                if (prompt.length + response.length > max) {
                    cut++;
                    int keep = Math.min(response.length, Math.max(max / 2, max - prompt.length));
                    response = Arrays.copyOf(response, keep);
                    prompt = Arrays.copyOfRange(prompt, Math.max(0, prompt.length - (max - keep)), prompt.length);
                }
                out.add(new GenerationObjective.Example(prompt, response));
            }
            if (cut > 0) {
                int n = cut;
                LOG.info(() -> n + " of " + out.size() + " " + split.parameterName() + " examples of "
                        + spec.datasetRef() + " cut to train.max.length=" + max + " tokens");
            }
            return out;
        }

        @Override
        public TrainingSession newSession(Path workDir) throws IOException {
            return new DjlTrainingSession(spec.config(), new GenerationObjective(model, examples(Split.TRAIN),
                    examples(Split.VALIDATION)), workDir);
        }

        /** The base model as brought: its answers to the validation and test prompts (nothing trained yet). */
        @Override
        public Baseline baseline(Path workDir, BooleanSupplier stopRequested) {
            return new Baseline("base", 0, 0, evaluate(Split.VALIDATION), evaluate(Split.TEST));
        }

        @Override
        public void loadWeights(Path weightsFile) throws IOException {
            model.load(SafeTensors.read(weightsFile).tensors());
        }

        /**
         * Greedy answers to the split's prompts, up to {@code generation.max.new.tokens} tokens or the end-of-sequence
         * token, scored against the reference responses; the first {@value #SAMPLES} kept to show.
         */
        @Override
        public TaskMetrics evaluate(Split split) {
            List<Pair> pairs = pairs(split);
            int maxNew = spec.config().taskSetting(TrainingParameters.GENERATION_MAX_NEW_TOKENS);
            int positions = model.config().maxPositions();
            // A prompt keeps its end within the positions left for at least min(maxNew, half the positions) new ones.
            int room = Math.max(1, positions - Math.min(maxNew, positions / 2));
            List<String> answers = new ArrayList<>();
            for (int from = 0; from < pairs.size(); from += BATCH) {
                List<int[]> prompts = new ArrayList<>();
                for (Pair p : pairs.subList(from, Math.min(pairs.size(), from + BATCH))) {
                    int[] prompt = promptTokens(p);
                    prompts.add(prompt.length > room ? Arrays.copyOfRange(prompt, prompt.length - room,
                            prompt.length) : prompt);
                }
                int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(1);
                GenerationSettings settings = GenerationSettings.greedy(Math.min(maxNew, positions - longest),
                        stopTokens);
                for (Generator.Generation g : Generator.generate(model, manager, prompts, settings)) {
                    answers.add(tokenizer.decode(g.tokens(), true).strip());
                }
            }
            List<String> references = pairs.stream().map(Pair::response).toList();
            List<AnswerMetrics.Sample> samples = new ArrayList<>();
            for (int i = 0; i < Math.min(SAMPLES, pairs.size()); i++) {
                samples.add(new AnswerMetrics.Sample(pairs.get(i).prompt(), references.get(i), answers.get(i)));
            }
            return AnswerMetrics.of(answers, references, samples);
        }

        /**
         * LoRA: PEFT's adapter files (what identifies the version: adapter_model.safetensors), the tokenizer files and
         * the merged model in {@value #MERGED}/; full: the fine-tuned model directory (model.safetensors). With
         * provenance.json, and SHA256SUMS over every file.
         */
        @Override
        public String export(Path dir, JsonObject provenance) throws IOException {
            String weights;
            if (model.lora() != null) {
                Map<String, io.tuneledger.ml.weights.Tensor> adapters = model.toTensors(DecoderModel::isAdapter);
                DecoderArtifacts.saveAdapter(dir, baseDir, model.lora(), adapters);
                DecoderArtifacts.copyTokenizer(dir, baseDir);
                DecoderArtifacts.saveMerged(dir.resolve(MERGED), baseDir, model.lora(), adapters);
                weights = DecoderArtifacts.ADAPTER_WEIGHTS;
            } else {
                DecoderArtifacts.saveModel(dir, baseDir, model.toTensors(name -> true));
                weights = DecoderWeights.SINGLE;
            }
            ModelArtifact.writeJson(dir.resolve(ModelArtifact.PROVENANCE), provenance);
            try (Stream<Path> files = Files.walk(dir)) {
                ModelArtifact.writeChecksums(dir, files.filter(Files::isRegularFile).sorted()
                        .map(f -> dir.relativize(f).toString().replace('\\', '/')).toList());
            }
            return ModelArtifact.sha256(dir.resolve(weights));
        }

        @Override
        public void close() {
            model.close();
            tokenizer.close();
            manager.close();
        }
    }
}
