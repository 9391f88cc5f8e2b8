package io.tuneledger.batch;

import io.tuneledger.config.Parameter;
import io.tuneledger.config.ValueRule;
import io.tuneledger.config.VersionRef;
import io.tuneledger.data.DatasetParameters;
import io.tuneledger.ml.ScoreEngine;
import io.tuneledger.ml.SearchSpace;
import io.tuneledger.ml.TrainingParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every job's parameters, in the order a form shows them, composed from the parameters of data preparation
 * ({@link DatasetParameters}), of training ({@link TrainingParameters}) and the ones of scoring and retention
 * declared here. The launch catalogue offers exactly these lists; the steps read their values through the same
 * {@link Parameter}s.
 */
public final class JobParameters {

    private JobParameters() {
    }

    /** The dataset version fine-tune trains on. */
    public static final Parameter<VersionRef> DATASET_VERSION = Parameter.of("dataset.version", VersionRef.LATEST,
            "Dataset version: a number or latest", VersionRef.rule(), VersionRef::parse);
    public static final Parameter<String> SCORE_MODEL = Parameter.name("model.name", "Registered model to score with")
            .required();
    public static final Parameter<VersionRef> MODEL_VERSION = Parameter.of("model.version", VersionRef.LATEST,
            "Model version: a number, or latest (the newest not rejected)", VersionRef.rule(), VersionRef::parse);
    public static final Parameter<String> SCORE_INPUT = Parameter.text("input.path", null,
            "File to score: absolute, or relative to a data root").required();
    public static final Parameter<String> SCORE_FORMAT = Parameter.of("input.format", null,
            "jsonl or csv; default from the file extension", ValueRule.oneOf("jsonl", "csv"), String::strip);
    public static final Parameter<String> SCORE_ID_FIELD = Parameter.field("id.field", "id",
            "Field holding the record id");
    public static final Parameter<String> SCORE_TEXT_FIELD = Parameter.field("text.field", "text",
            "Field holding the text");
    public static final Parameter<String> OUTPUT_PATH = Parameter.text("output.path", null,
            "Predictions file (JSONL), relative to the store's outbox/ or absolute inside outbox/ or a data root;"
                    + " default outbox/<model>-v<N>-<job instance>.jsonl. An existing file is replaced");
    public static final Parameter<Integer> SCORE_PARTITIONS = Parameter.integer("score.partitions", 2, 1, 16,
            "Partitions scored in parallel");
    public static final Parameter<Integer> SCORE_BATCH_SIZE = Parameter.integer("score.batch.size", 64, 1, 4096,
            "Records per inference batch; a checkpoint after each");

    public static final Parameter<String> SCORE_ENGINE = Parameter.choice("score.engine", "What runs the model:"
            + " pytorch (the model core), onnx (its ONNX export, fp32, run by ONNX Runtime) or onnx-int8 (the export with"
            + " int8 weights, refused when it loses more than quantize.max.drop accuracy on the test split)",
            ScoreEngine.PYTORCH.id(), ScoreEngine.ONNX.id(), ScoreEngine.ONNX_INT8.id());
    public static final Parameter<Boolean> SCORE_BUCKETING = Parameter.bool("score.bucketing", true,
            "Sort each batch of score.batch.size records by token length and run similar lengths together (less"
                    + " padding); output order is the input order either way");
    public static final Parameter<Double> QUANTIZE_MAX_DROP = Parameter.decimal("quantize.max.drop", "0.01", 0, 1,
            "With score.engine=onnx-int8: the most test-split accuracy the int8 export may lose against the fp32"
                    + " export (0.01 = one point); above it the job fails before scoring");

    public static final Parameter<String> SEARCH_MODEL = Parameter.name("model.name",
            "Registered retrieval model to search with").required();
    public static final Parameter<String> CORPUS_PATH = Parameter.text("corpus.path", null,
            "Documents to search (JSONL): absolute, or relative to a data root").required();
    public static final Parameter<String> CORPUS_ID_FIELD = Parameter.field("corpus.id.field", "id",
            "Field holding a document's id (unique in the corpus)");
    public static final Parameter<String> CORPUS_TEXT_FIELD = Parameter.field("corpus.text.field", "text",
            "Field holding a document's text");
    public static final Parameter<String> QUERIES_PATH = Parameter.text("queries.path", null,
            "Queries (JSONL with id and text): absolute, or relative to a data root").required();
    public static final Parameter<String> QUERIES_ID_FIELD = Parameter.field("queries.id.field", "id",
            "Field holding a query's id");
    public static final Parameter<String> QUERIES_TEXT_FIELD = Parameter.field("queries.text.field", "text",
            "Field holding a query's text");
    public static final Parameter<Integer> TOP_K = Parameter.integer("top.k", 10, 1, 1000,
            "Documents per query in the output, best first");
    public static final Parameter<String> SEARCH_OUTPUT = Parameter.text("output.path", null,
            "Results file (JSONL, one line per query in input order), relative to the store's outbox/ or absolute"
                    + " inside outbox/ or a data root; default outbox/<model>-v<N>-<job instance>.jsonl. An existing"
                    + " file is replaced");
    public static final Parameter<Integer> SEARCH_PARTITIONS = Parameter.integer("search.partitions", 2, 1, 16,
            "Partitions embedding the corpus in parallel");
    public static final Parameter<Integer> SEARCH_BATCH_SIZE = Parameter.integer("search.batch.size", 64, 1, 4096,
            "Texts per embedding batch; a checkpoint after each");

    public static final List<Parameter<?>> SEARCH = List.of(SEARCH_MODEL, MODEL_VERSION, CORPUS_PATH,
            CORPUS_ID_FIELD, CORPUS_TEXT_FIELD, QUERIES_PATH, QUERIES_ID_FIELD, QUERIES_TEXT_FIELD, TOP_K,
            SEARCH_OUTPUT, SEARCH_PARTITIONS, SEARCH_BATCH_SIZE);

    /** The prefix of the score job's parameters in the pipeline. */
    public static final String PIPELINE_SCORE = "score.";

    public static final Parameter<Integer> OLDER_THAN_DAYS = Parameter.integer("older.than.days", 90, 0, 36_500,
            "Age, in days since its last execution ended, from which a job instance is purged (0: every ended"
                    + " instance)");
    public static final Parameter<String> PURGE = Parameter.choice("purge", "What to purge: job-records, checkpoints,"
            + " or both (comma-separated)", "job-records,checkpoints", "checkpoints,job-records", "job-records",
            "checkpoints");
    public static final Parameter<Boolean> DRY_RUN = Parameter.bool("dry.run", false,
            "true: only record in the ledger what would be removed");

    public static final Parameter<Integer> FOLDS = Parameter.integer("folds", 5, 2, 20,
            "Folds of the cross-validation: each trains on the others' share of the train and validation splits and"
                    + " is scored on its own; the test split is never used");
    public static final Parameter<Integer> FOLDS_PARALLEL = Parameter.integer("folds.parallel", 1, 1, 16,
            "Folds trained at once on this server (each competes for the same cores)");
    public static final Parameter<String> SEARCH_SPACE = Parameter.of("search.space", SearchSpace.DEFAULT,
            "What the search varies (JSON): per parameter (" + String.join(", ", SearchSpace.SEARCHABLE.stream()
                    .map(Parameter::name).toList()) + ") a list of values or a range {\"min\", \"max\", \"scale\":"
                    + " \"linear\"|\"log\"}", ValueRule.accepts(SearchSpace::parse), String::strip);
    public static final Parameter<String> SEARCH_METHOD = Parameter.choice("search.method",
            "random: trials drawn from the space with train.seed; grid: every combination of the lists", "random",
            "grid");
    public static final Parameter<Integer> TRIALS = Parameter.integer("trials", 8, 1, 64,
            "Trials of a random search (a grid tries every combination, at most 64)");
    public static final Parameter<Integer> TUNE_FOLDS = Parameter.integer("folds", 0, 0, 20,
            "0: each trial is scored on the validation split; 2 or more: by cross-validation over that many folds of"
                    + " the train and validation splits");
    public static final Parameter<Boolean> SEARCH_HALVING = Parameter.bool("search.halving", false,
            "true: successive halving: every trial trains its first epoch, only the best third (rounded up) of the"
                    + " trials, by that epoch's figure, train on to their end, resuming where they stopped");
    public static final Parameter<Integer> TRIALS_PARALLEL = Parameter.integer("trials.parallel", 1, 1, 16,
            "Trial runs trained at once on this server (each competes for the same cores)");

    public static final List<Parameter<?>> PREPARE_DATASET = DatasetParameters.ALL;

    public static final List<Parameter<?>> FINE_TUNE = concat(List.of(
            DatasetParameters.DATASET_NAME.describedAs("Dataset to train on"), DATASET_VERSION),
            TrainingParameters.ALL);

    /** Domain adaptation: the corpus (a dataset version prepared with task=adaptation) and its training parameters. */
    public static final List<Parameter<?>> ADAPT = concat(List.of(
            DatasetParameters.DATASET_NAME.describedAs("Corpus to adapt to (prepared with task=adaptation)"),
            DATASET_VERSION), TrainingParameters.ADAPT);

    /** Distillation: the labelled dataset, the teacher and student, and the student's training parameters. */
    public static final List<Parameter<?>> DISTILL = concat(List.of(
            DatasetParameters.DATASET_NAME.describedAs("Labelled dataset (task=classification) the student trains on"),
            DATASET_VERSION), TrainingParameters.DISTILL);

    /** Cross-validation: the dataset, the folds, and fine-tune's training parameters (no model is registered). */
    public static final List<Parameter<?>> CROSS_VALIDATE = concat(List.of(
            DatasetParameters.DATASET_NAME.describedAs("Dataset to cross-validate on"), DATASET_VERSION, FOLDS,
            FOLDS_PARALLEL), TrainingParameters.STUDY);

    /** Hyperparameter search: the dataset, the space and trials, and the training parameters the trials start from. */
    public static final List<Parameter<?>> TUNE = concat(List.of(
            DatasetParameters.DATASET_NAME.describedAs("Dataset to search on"), DATASET_VERSION, SEARCH_SPACE,
            SEARCH_METHOD, TRIALS, SEARCH_HALVING, TUNE_FOLDS, TRIALS_PARALLEL), TrainingParameters.STUDY);

    public static final List<Parameter<?>> SCORE = concat(List.of(SCORE_MODEL, MODEL_VERSION), scoring(""));

    /**
     * The pipeline: prepare-dataset's parameters (the tokenizer defaults to that of base.model), training's, and the
     * score job's file parameters prefixed with {@code score.}; scoring runs when {@code score.input.path} is given.
     */
    public static final List<Parameter<?>> PIPELINE = pipeline();

    public static final List<Parameter<?>> RETENTION = List.of(OLDER_THAN_DAYS, PURGE, DRY_RUN);

    /** The score job's input, output and partitioning parameters, the file ones under {@code prefix}. */
    static List<Parameter<?>> scoring(String prefix) {
        List<Parameter<?>> all = new ArrayList<>();
        all.add(prefix.isEmpty() ? SCORE_INPUT : Parameter.text(prefix + SCORE_INPUT.name(), null,
                "File to score after training (absolute, or relative to a data root); no scoring when absent"));
        for (Parameter<?> p : List.of(SCORE_FORMAT, SCORE_ID_FIELD, SCORE_TEXT_FIELD, OUTPUT_PATH)) {
            all.add(p.prefixed(prefix));
        }
        all.add(SCORE_PARTITIONS);
        all.add(SCORE_BATCH_SIZE);
        all.add(SCORE_ENGINE);
        all.add(SCORE_BUCKETING);
        all.add(QUANTIZE_MAX_DROP);
        return List.copyOf(all);
    }

    private static List<Parameter<?>> pipeline() {
        Map<String, Parameter<?>> all = new LinkedHashMap<>();
        for (Parameter<?> p : DatasetParameters.ALL) {
            all.put(p.name(), p == DatasetParameters.TOKENIZER ? DatasetParameters.TOKENIZER.withDefault(null)
                    .describedAs("Tokenizer for token lengths; default: that of base.model when it is a shipped"
                            + " model, else " + DatasetParameters.TOKENIZER.defaultValue()) : p);
        }
        TrainingParameters.ALL.forEach(p -> all.put(p.name(), p));
        scoring(PIPELINE_SCORE).forEach(p -> all.put(p.name(), p));
        return List.copyOf(all.values());
    }

    private static List<Parameter<?>> concat(List<Parameter<?>> a, List<Parameter<?>> b) {
        List<Parameter<?>> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
