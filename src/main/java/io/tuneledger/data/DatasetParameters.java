package io.tuneledger.data;

import io.tuneledger.config.Parameter;
import io.tuneledger.config.ValueRule;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.TaskType;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The parameters of prepare-dataset, each written once: name, default, rule and meaning. The launch catalogue lists
 * them, the steps read them, the manifest records them.
 */
public final class DatasetParameters {

    private DatasetParameters() {
    }

    public static final Parameter<String> DATASET_NAME = Parameter.name("dataset.name",
            "Name of the dataset; each run adds a version").required();
    public static final Parameter<String> TASK = Parameter.of("task", TaskType.CLASSIFICATION.id(),
            "What the dataset trains: classification (texts with labels), retrieval (queries with the documents that"
                    + " answer them) or generation (prompts with the responses wanted), which fine-tune follows; or"
                    + " adaptation (unlabelled texts: a corpus for the adapt job)",
            ValueRule.oneOf(Arrays.stream(TaskType.values()).map(TaskType::id).toList()), String::strip);
    public static final Parameter<String> INPUT_PATH = Parameter.text("input.path", null,
            "Input file (a directory for input.format=beir): absolute, or relative to a data root (the store's inbox/,"
                    + " the bundled samples/); required unless input.format=jdbc");
    public static final Parameter<String> INPUT_FORMAT = Parameter.of("input.format", null,
            "jsonl, csv, jdbc or beir (task=retrieval: a directory with corpus.jsonl, queries.jsonl and qrels/*.tsv);"
                    + " default from the file extension, beir for a directory",
            ValueRule.oneOf("jsonl", "csv", "jdbc", "beir"), String::strip);
    public static final Parameter<String> INPUT_DATASOURCE = Parameter.text("input.datasource", null,
            "JNDI name of the data source to read (input.format=jdbc)");
    public static final Parameter<String> INPUT_TABLE = Parameter.text("input.table", null,
            "Table to read, [schema.]name (input.format=jdbc); its id column must be unique");
    public static final Parameter<String> ID_FIELD = Parameter.field("id.field", "id",
            "Field or column holding the record id");
    public static final Parameter<String> TEXT_FIELD = Parameter.field("text.field", "text",
            "Field or column holding the text (task=classification)");
    public static final Parameter<String> LABEL_FIELD = Parameter.field("label.field", "label",
            "Field or column holding the label (task=classification)");
    public static final Parameter<String> QUERY_FIELD = Parameter.field("query.field", "query",
            "Field holding the query (task=retrieval)");
    public static final Parameter<String> POSITIVE_FIELD = Parameter.field("positive.field", "positive",
            "Field holding the text of the document that answers the query (task=retrieval)");
    public static final Parameter<String> POSITIVE_ID_FIELD = Parameter.field("positive.id.field", null,
            "Field holding that document's id (task=retrieval); without it the id is derived from the text, so"
                    + " queries with the same answer share one document");
    public static final Parameter<String> NEGATIVE_FIELD = Parameter.field("negative.field", null,
            "Field holding a hard negative: a document that looks relevant but does not answer (task=retrieval,"
                    + " optional)");
    public static final Parameter<String> PROMPT_FIELD = Parameter.field("prompt.field", "prompt",
            "Field holding the prompt, the instruction a model is given (task=generation)");
    public static final Parameter<String> RESPONSE_FIELD = Parameter.field("response.field", "response",
            "Field holding the response wanted for the prompt (task=generation)");
    public static final Parameter<String> MESSAGES_FIELD = Parameter.field("messages.field", null,
            "Field holding a whole conversation instead of a prompt and a response (task=generation): a JSON array of"
                    + " {role, content} messages (system, user, assistant) ending with the assistant's response");
    public static final Parameter<String> LABELS = Parameter.of("labels", null,
            "Comma-separated allowed labels; other labels are quarantined (default: any label)",
            v -> Arrays.stream(v.split(",")).anyMatch(String::isBlank)
                    ? Optional.of("must be a comma-separated list of labels without empty entries, got '" + v + "'")
                    : Optional.empty(), String::strip);
    public static final Parameter<String> CLEAN = Parameter.of("clean", CleaningRule.defaultValue(),
            "Cleaning rules to apply, comma-separated, or none: email (headers, MIME decoding), html, nfkc, control,"
                    + " whitespace", ValueRule.accepts(CleaningRule::parse), String::strip);
    public static final Parameter<Boolean> REDACT_PII = Parameter.bool("redact.pii", true,
            "Replace e-mail addresses, phone numbers, cards, IBANs, IPs and Chinese IDs with placeholders");
    public static final Parameter<String> BLOCKED_TERMS = Parameter.text("blocked.terms", null,
            "File of blocked terms (one a line, under a data root); records containing one are quarantined");
    public static final Parameter<String> TOKENIZER = Parameter.of("tokenizer", BaseModel.ALL_MINILM_L6_V2.id(),
            "Tokenizer of the target model, for token lengths",
            ValueRule.oneOf(Arrays.stream(BaseModel.values()).map(BaseModel::id).toList()), String::strip);
    public static final Parameter<Integer> MAX_TOKENS = Parameter.integer("max.tokens", 512, 8, 8192,
            "Longest text in tokens of the tokenizer");
    public static final Parameter<String> MAX_TOKENS_POLICY = Parameter.choice("max.tokens.policy",
            "What to do with a longer text: truncate it, or reject (quarantine) it", "truncate", "reject");
    public static final Parameter<Integer> MAX_RECORD_BYTES = Parameter.integer("max.record.bytes", 1_048_576, 1024,
            64 * 1024 * 1024, "Longest input record in bytes; longer ones are quarantined unread");
    public static final Parameter<String> DEDUPE = Parameter.choice("dedupe",
            "Which duplicates to remove: near, exact or none", "near", "exact", "none");
    public static final Parameter<Double> DEDUPE_THRESHOLD = Parameter.decimal("dedupe.threshold", "0.9", 0.5, 1.0,
            "Estimated Jaccard similarity at which two texts are near duplicates");
    public static final Parameter<String> SPLIT = Parameter.of("split", "0.8,0.1,0.1",
            "Shares of train, validation and test",
            ValueRule.accepts(v -> new StratifiedSplitter(StratifiedSplitter.parseRatios(v), 0)), String::strip);
    public static final Parameter<Long> SPLIT_SEED = Parameter.longInteger("split.seed", 42, Long.MIN_VALUE,
            Long.MAX_VALUE, "Seed of the split (and of augmentation)");
    public static final Parameter<String> AUGMENT = Parameter.choice("augment",
            "Augmentation of the train split: none or eda", "none", "eda");
    public static final Parameter<Integer> AUGMENT_FACTOR = Parameter.integer("augment.factor", 1, 1, 16,
            "Augmented rows per train record (augment=eda)");
    public static final Parameter<String> AUGMENT_THESAURUS = Parameter.text("augment.thesaurus", "thesaurus-en.txt",
            "Synonym file for augment=eda (under a data root): one group of synonyms a line, comma-separated");
    public static final Parameter<Integer> CHECKPOINT_EVERY_RECORDS = Parameter.integer("checkpoint.every.records",
            100, 1, 100_000, "Records per ingest chunk: a checkpoint after each; a restart repeats at most this many,"
                    + " and may change it").restartable();

    /** Every parameter of prepare-dataset, in the order a form shows them. */
    public static final List<Parameter<?>> ALL = List.of(DATASET_NAME, TASK, INPUT_PATH, INPUT_FORMAT,
            INPUT_DATASOURCE, INPUT_TABLE, ID_FIELD, TEXT_FIELD, LABEL_FIELD, QUERY_FIELD, POSITIVE_FIELD,
            POSITIVE_ID_FIELD, NEGATIVE_FIELD, PROMPT_FIELD, RESPONSE_FIELD, MESSAGES_FIELD, LABELS, CLEAN, REDACT_PII,
            BLOCKED_TERMS, TOKENIZER, MAX_TOKENS, MAX_TOKENS_POLICY, MAX_RECORD_BYTES, DEDUPE, DEDUPE_THRESHOLD, SPLIT,
            SPLIT_SEED, AUGMENT, AUGMENT_FACTOR, AUGMENT_THESAURUS, CHECKPOINT_EVERY_RECORDS);
}
