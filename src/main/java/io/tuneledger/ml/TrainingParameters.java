package io.tuneledger.ml;

import io.tuneledger.config.Parameter;
import io.tuneledger.config.ValueRule;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The parameters of fine-tuning, each written once: name, default, rule and meaning. {@link TrainingConfig} takes its
 * defaults from here, the launch catalogue lists them, provenance records the configuration under these names.
 */
public final class TrainingParameters {

    private TrainingParameters() {
    }

    /** The word for a setting taken from the dataset ({@code train.max.length=auto}). */
    public static final String AUTO = "auto";

    /**
     * {@code train.max.length=auto}: the 95th percentile of the dataset's token lengths rounded up to a multiple of
     * 16, between 16 and 512; 128 when the dataset has no token statistics.
     */
    public static int autoMaxLength(Long p95) {
        if (p95 == null) {
            return 128;
        }
        long rounded = (p95 + 15) / 16 * 16;
        return (int) Math.max(16, Math.min(512, rounded));
    }

    public static final Parameter<String> BASE_MODEL = Parameter.of("base.model", BaseModel.ALL_MINILM_L6_V2.id(),
            "Starting weights: " + String.join(" | ", Arrays.stream(BaseModel.values()).map(BaseModel::id).toList())
                    + " | a model directory inside a data root (absolute, or relative to a data root) holding"
                    + " config.json, model.safetensors (or its shards) and tokenizer.json | name:version of a"
                    + " registered model (incremental training)",
            ValueRule.accepts(BaseModelRef::parse), String::strip);
    public static final Parameter<String> MODEL_NAME = Parameter.name("model.name",
            "Name of the model; each run registers a version").required();
    public static final Parameter<String> MODE = Parameter.choice("train.mode",
            "full: every weight trains; head: the encoder is frozen; lora: the encoder is frozen and low-rank adapters"
                    + " (lora.*) train with the head, and the model is saved as adapters only (classification)",
            "full", "head", "lora");
    public static final Parameter<Integer> EPOCHS = Parameter.integer("train.epochs", 3, 1, 100,
            "Passes over the train split");
    public static final Parameter<Integer> BATCH_SIZE = Parameter.integer("train.batch.size", 16, 1, 512,
            "Texts per mini-batch");
    /**
     * The learning rate LoRA gets when none is given: 3e-3, from bench/results-lora.md (one epoch on 400 mails: 3e-3
     * matched full fine-tuning's held-out macro-F1, 1e-4 and 1e-3 stayed far below it).
     */
    public static final String LORA_LEARNING_RATE = "3e-3";
    /**
     * The learning rate a distillation gets when none is given: 3e-4, from bench/results-distill.md (in three epochs at
     * fine-tune's 1e-4, a student cut from a 12-layer teacher ended further from the teacher than at 3e-4: the layers
     * kept must learn to give what the teacher's last layer gave).
     */
    public static final String DISTILL_LEARNING_RATE = "3e-4";
    /**
     * 1e-4, from the defaults study (docs/defaults-study.md): as good as 5e-5 on long e-mails, far better on small sets
     * of short texts and on small Chinese ones, where 5e-5 left the model predicting the majority label.
     */
    public static final Parameter<Float> LEARNING_RATE = Parameter.floating("train.learning.rate", "1e-4", 1e-8, 1.0,
            "Peak learning rate of AdamW (none given: " + LORA_LEARNING_RATE + " with train.mode=lora, "
                    + DISTILL_LEARNING_RATE + " in a distill job)");

    /**
     * Completes the defaults that depend on another parameter's value: an absent {@code train.learning.rate} is
     * {@link #LORA_LEARNING_RATE} in LoRA mode and {@link #DISTILL_LEARNING_RATE} in a distillation (a job that takes
     * {@code distill.teacher}). {@code given} are the parameters as given, {@code complete} the same completed with the
     * plain defaults, changed here.
     */
    public static void completeDependentDefaults(Map<String, String> given, Map<String, String> complete) {
        String learningRate = given.get(LEARNING_RATE.name());
        if (!complete.containsKey(LEARNING_RATE.name()) || (learningRate != null && !learningRate.isBlank())) {
            return;
        }
        if ("lora".equals(complete.get(MODE.name()))) {
            complete.put(LEARNING_RATE.name(), LORA_LEARNING_RATE);
        } else if (complete.containsKey("distill.teacher")) {
            complete.put(LEARNING_RATE.name(), DISTILL_LEARNING_RATE);
        }
    }
    public static final Parameter<Float> WEIGHT_DECAY = Parameter.floating("train.weight.decay", "0.01", 0, 1,
            "AdamW's decoupled weight decay");
    public static final Parameter<Float> WARMUP_RATIO = Parameter.floating("train.warmup.ratio", "0.1", 0, 0.99,
            "Share of the steps with linear warm-up");
    public static final Parameter<Float> DROPOUT = Parameter.floating("train.dropout", "0.1", 0, 0.9,
            "Dropout rate while training");
    /** 128, kept by the defaults study (docs/defaults-study.md): auto costs twentyfold on long texts, for no gain seen. */
    public static final Parameter<Integer> MAX_LENGTH = Parameter.of("train.max.length", "128",
            "Tokens per text; longer texts are truncated. auto: the dataset's 95th percentile of token lengths"
                    + " (from its manifest), rounded up to a multiple of 16, between 16 and 512",
            ValueRule.integer(8, 512).or(AUTO), v -> v.strip().equals(AUTO) ? 0 : Integer.parseInt(v.strip()));
    /** none, kept by the defaults study (docs/defaults-study.md): balanced weights did not win consistently. */
    public static final Parameter<String> CLASS_WEIGHTS = Parameter.choice("train.class.weights",
            "Weights of the classes in the loss (task=classification): none, or balanced (each class weighs the"
                    + " inverse of its share of the train split, so that a rare label counts as much as a common one)",
            "none", "balanced");
    public static final Parameter<Long> SEED = Parameter.longInteger("train.seed", 42, Long.MIN_VALUE, Long.MAX_VALUE,
            "Seed of the head's initialisation, the data order, dropout and the tokens adaptation hides");
    public static final Parameter<Float> GRAD_CLIP = Parameter.floating("train.grad.clip", "1.0", 0, 1000,
            "Clip gradients to this global norm (0: no clipping)");
    public static final Parameter<Integer> PATIENCE = Parameter.integer("early.stopping.patience", 2, 0, 100,
            "Stop after this many epochs without a better validation figure (macro-F1; MRR@10 for retrieval;"
                    + " masked-token accuracy for adaptation; response-token accuracy for generation) (0: never)");
    public static final Parameter<Integer> CHECKPOINT_EVERY_STEPS = Parameter.integer("checkpoint.every.steps", 20, 1,
            100_000, "Training steps per chunk: the training state is saved and checkpointed after each; a restart"
                    + " may change it").restartable();
    public static final Parameter<Double> GATE_MIN_MACRO_F1 = Parameter.decimalOrNone("gate.min.macro.f1", 0, 1,
            "Lowest test macro-F1 for the model to become a candidate; below it the version is rejected and the job"
                    + " ends with exit status GATE_FAILED");
    /** The retrieval task's gate. */
    public static final Parameter<Double> GATE_MIN_MRR = Parameter.decimalOrNone("gate.min.mrr", 0, 1,
            "Lowest test MRR@10 for a retrieval model to become a candidate; below it the version is rejected and the"
                    + " job ends with exit status GATE_FAILED");

    public static final Parameter<Float> RETRIEVAL_SCALE = Parameter.floating("retrieval.scale", "20", 1, 100,
            "Scale of the multiple-negatives ranking loss: cosine similarities are multiplied by it before the"
                    + " softmax (task=retrieval)");
    public static final Parameter<String> RETRIEVAL_NEGATIVES = Parameter.choice("retrieval.negatives",
            "Hard negatives besides the other answers in the batch (task=retrieval): given (those in the data),"
                    + " mined (for each training pair, the dataset document the base model ranks highest that is not"
                    + " one of the query's answers) or none", "given", "mined", "none");

    /** The settings only the retrieval task has, recorded with the configuration. */
    public static final List<Parameter<?>> RETRIEVAL = List.of(RETRIEVAL_SCALE, RETRIEVAL_NEGATIVES);

    /** The generation task's gate. */
    public static final Parameter<Double> GATE_MIN_TOKEN_F1 = Parameter.decimalOrNone("gate.min.token.f1", 0, 1,
            "Lowest test token F1 of the generated answers for a generation model to become a candidate; below it the"
                    + " version is rejected and the job ends with exit status GATE_FAILED");
    public static final Parameter<Integer> GENERATION_MAX_NEW_TOKENS = Parameter.integer("generation.max.new.tokens",
            64, 1, 4096, "Longest answer generated for a test or validation prompt, in tokens (task=generation);"
                    + " generation is greedy and also ends at the model's end-of-sequence token");

    /** The settings only the generation task has, recorded with the configuration. */
    public static final List<Parameter<?>> GENERATION = List.of(GENERATION_MAX_NEW_TOKENS);

    /** The Linear layers of an encoder layer LoRA may adapt, by the names PEFT matches ({@code dense}: all three). */
    public static final List<String> LORA_LAYERS = List.of("query", "key", "value", "dense");

    /**
     * The projections of a decoder layer LoRA may adapt (task=generation), by their Hugging Face names; {@code query},
     * {@code key} and {@code value} name q_proj, k_proj and v_proj there.
     */
    public static final List<String> DECODER_LORA_LAYERS = List.of("q_proj", "k_proj", "v_proj", "o_proj",
            "gate_proj", "up_proj", "down_proj");

    /** Every name {@code lora.targets} takes, in the order a list of them is kept. */
    private static final List<String> LORA_NAMES = java.util.stream.Stream.concat(LORA_LAYERS.stream(),
            DECODER_LORA_LAYERS.stream()).toList();

    public static final Parameter<Integer> LORA_RANK = Parameter.integer("lora.rank", 8, 1, 256,
            "With train.mode=lora: the rank r of each adapter (its A is r x in, its B out x r)");
    public static final Parameter<Float> LORA_ALPHA = Parameter.floating("lora.alpha", "16", 0.001, 4096,
            "With train.mode=lora: the adapters' output is scaled by alpha / r");
    public static final Parameter<Float> LORA_DROPOUT = Parameter.floating("lora.dropout", "0.1", 0, 0.9,
            "With train.mode=lora: dropout on an adapter's input while training");
    public static final Parameter<List<String>> LORA_TARGETS = Parameter.of("lora.targets", "query,value",
            "With train.mode=lora: the layers adapted in every encoder layer, comma-separated: "
                    + String.join(", ", LORA_LAYERS) + " (dense: the attention output, intermediate and output layers);"
                    + " in every decoder layer (task=generation): " + String.join(", ", DECODER_LORA_LAYERS)
                    + " (query, key and value name the first three)",
            ValueRule.accepts(TrainingParameters::loraTargets), TrainingParameters::loraTargets);

    /** The LoRA settings, recorded with the configuration when {@code train.mode=lora}. */
    public static final List<Parameter<?>> LORA = List.of(LORA_RANK, LORA_ALPHA, LORA_DROPOUT, LORA_TARGETS);

    /**
     * {@code lora.targets} as a list in the order of {@link #LORA_LAYERS} then {@link #DECODER_LORA_LAYERS}; refuses
     * other names and an empty list (which names fit the model is checked against the dataset's task at launch).
     */
    public static List<String> loraTargets(String value) {
        List<String> given = Arrays.stream(value.split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList();
        for (String t : given) {
            if (!LORA_NAMES.contains(t)) {
                throw new IllegalArgumentException("names '" + t + "'; the layers are " + String.join(", ",
                        LORA_LAYERS) + " (encoders) and " + String.join(", ", DECODER_LORA_LAYERS) + " (decoders)");
            }
        }
        if (given.isEmpty()) {
            throw new IllegalArgumentException("must name at least one of " + String.join(", ", LORA_LAYERS));
        }
        return LORA_NAMES.stream().filter(given::contains).toList();
    }

    /** Domain adaptation's share of masked tokens (the masked-language-model objective). */
    public static final Parameter<Float> ADAPT_MASK_PROBABILITY = Parameter.floating("adapt.mask.probability", "0.15",
            0.01, 0.5, "Share of each text's tokens hidden for the model to predict (task=adaptation); of those, 80% "
                    + "become [MASK], 10% a random token, 10% stay as they are");
    /** The adaptation task's gate. */
    public static final Parameter<Double> GATE_MIN_MASKED_ACCURACY = Parameter.decimalOrNone(
            "gate.min.masked.accuracy", 0, 1, "Lowest test masked-token accuracy for an adapted model to become a"
                    + " candidate; below it the version is rejected and the job ends with exit status GATE_FAILED");

    /** The settings only the adaptation task has, recorded with the configuration. */
    public static final List<Parameter<?>> ADAPTATION = List.of(ADAPT_MASK_PROBABILITY);

    /** The word of {@code distill.student} for a student cut from the teacher itself. */
    public static final String TEACHER = "teacher";

    /** The teacher of a distillation: a registered classifier. */
    public static final Parameter<String> DISTILL_TEACHER = Parameter.of("distill.teacher", null,
            "Teacher: name:version of a registered classification model (latest: its newest version not rejected)",
            ValueRule.accepts(TrainingParameters::teacherRef), String::strip).required();
    public static final Parameter<String> DISTILL_STUDENT = Parameter.of("distill.student", TEACHER,
            "Where the student starts: teacher (the teacher's embeddings, its first distill.layers encoder layers and"
                    + " its head) or a smaller base model, as base.model names one: "
                    + String.join(" | ", Arrays.stream(BaseModel.values()).map(BaseModel::id).toList())
                    + " | a model directory | name:version",
            ValueRule.accepts(v -> {
                if (!v.strip().equals(TEACHER)) {
                    BaseModelRef.parse(v);
                }
            }), String::strip);
    public static final Parameter<Integer> DISTILL_LAYERS = Parameter.of("distill.layers", AUTO,
            "Encoder layers the student keeps, from the first: a number, or auto (half the teacher's, rounded up, for"
                    + " distill.student=teacher; every layer of a base model)",
            ValueRule.integer(1, 48).or(AUTO), v -> v.strip().equals(AUTO) ? 0 : Integer.parseInt(v.strip()));
    /**
     * 2, the softening Hinton et al. (2015) and DistilBERT's task-specific runs work with: high enough that the
     * teacher's second choices carry weight, low enough that its first choice still leads.
     */
    public static final Parameter<Float> DISTILL_TEMPERATURE = Parameter.floating("distill.temperature", "2", 1, 20,
            "Temperature T of the soft targets: teacher and student logits are divided by T before the softmax (higher:"
                    + " softer, more of the teacher's second choices)");
    public static final Parameter<Float> DISTILL_ALPHA = Parameter.floating("distill.alpha", "0.5", 0, 1,
            "Weight of the soft-target loss: alpha * T^2 * KL(teacher || student) + (1 - alpha) * cross-entropy on"
                    + " the labels (1: the teacher alone; 0: the labels alone)");

    /** A distillation's settings, recorded with the configuration (the teacher as resolved, name:version). */
    public static final List<Parameter<?>> DISTILLATION = List.of(DISTILL_TEACHER, DISTILL_STUDENT, DISTILL_LAYERS,
            DISTILL_TEMPERATURE, DISTILL_ALPHA);

    /** {@code distill.teacher} parsed: a registered model's name and version. */
    public static io.tuneledger.config.VersionRef.Named teacherRef(String value) {
        return io.tuneledger.config.VersionRef.Named.tryParse(value == null ? "" : value.strip()).orElseThrow(() ->
                new IllegalArgumentException("must be name:version of a registered classification model, got '"
                        + value + "'"));
    }

    /** The parameters that make a {@link TrainingConfig}, in the order provenance lists them. */
    public static final List<Parameter<?>> CONFIG = List.of(MODE, EPOCHS, BATCH_SIZE, LEARNING_RATE, WEIGHT_DECAY,
            WARMUP_RATIO, DROPOUT, MAX_LENGTH, CLASS_WEIGHTS, SEED, GRAD_CLIP, PATIENCE, CHECKPOINT_EVERY_STEPS);

    public static final Parameter<String> TRAINING_CONFIG = Parameter.of("training.config", null,
            "tune:<execution id>: train with the configuration of the best trial of a completed tune job (the"
                    + " study's train.* settings with the trial's values; giving another value for one of them is"
                    + " refused)",
            ValueRule.accepts(TrainingParameters::studyExecution), String::strip);

    /** The execution id of {@code tune:<id>}; an {@link IllegalArgumentException} for anything else. */
    public static long studyExecution(String value) {
        String v = value.strip();
        if (!v.startsWith("tune:")) {
            throw new IllegalArgumentException("must be tune:<execution id of a tune job>");
        }
        try {
            long id = Long.parseLong(v.substring("tune:".length()));
            if (id < 1) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be tune:<execution id of a tune job>");
        }
    }

    /** What a study (cross-validate, tune) trains with: the starting weights and the configuration; no model. */
    public static final List<Parameter<?>> STUDY = study();

    /** Everything fine-tune takes besides the dataset: starting weights, model name, configuration, gate. */
    public static final List<Parameter<?>> ALL = concat();

    /**
     * What the adapt job takes besides the corpus: starting weights, model name, the configuration (class weights
     * excepted: there are no classes) and the adaptation's own settings and gate.
     */
    public static final List<Parameter<?>> ADAPT = adapt();

    /**
     * What the distill job takes besides the dataset: the teacher and the student, the softening and the weight of
     * the soft targets, the model name, the configuration (no LoRA: the student is a new model) and the gate.
     */
    public static final List<Parameter<?>> DISTILL = distill();

    private static List<Parameter<?>> distill() {
        List<Parameter<?>> all = new java.util.ArrayList<>(DISTILLATION);
        all.add(MODEL_NAME);
        all.addAll(CONFIG);
        all.add(GATE_MIN_MACRO_F1);
        return List.copyOf(all);
    }

    private static List<Parameter<?>> adapt() {
        List<Parameter<?>> all = new java.util.ArrayList<>();
        all.add(BASE_MODEL);
        all.add(MODEL_NAME);
        CONFIG.stream().filter(p -> p != CLASS_WEIGHTS).forEach(all::add);
        all.addAll(ADAPTATION);
        all.add(GATE_MIN_MASKED_ACCURACY);
        return List.copyOf(all);
    }

    private static List<Parameter<?>> study() {
        List<Parameter<?>> all = new java.util.ArrayList<>();
        all.add(BASE_MODEL);
        all.addAll(CONFIG);
        all.addAll(LORA);
        all.addAll(RETRIEVAL);
        all.addAll(GENERATION);
        return List.copyOf(all);
    }

    private static List<Parameter<?>> concat() {
        List<Parameter<?>> all = new java.util.ArrayList<>();
        all.add(BASE_MODEL);
        all.add(MODEL_NAME);
        all.add(TRAINING_CONFIG);
        all.addAll(CONFIG);
        all.addAll(LORA);
        all.addAll(RETRIEVAL);
        all.addAll(GENERATION);
        all.add(GATE_MIN_MACRO_F1);
        all.add(GATE_MIN_MRR);
        all.add(GATE_MIN_TOKEN_F1);
        return List.copyOf(all);
    }
}
