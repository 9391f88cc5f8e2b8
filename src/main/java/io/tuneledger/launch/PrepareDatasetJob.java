package io.tuneledger.launch;

import io.tuneledger.data.CleaningRule;
import io.tuneledger.data.CsvRecordSource;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.FieldMapping;
import io.tuneledger.data.InputPathException;
import io.tuneledger.data.JdbcTableSource;
import io.tuneledger.data.StratifiedSplitter;
import io.tuneledger.ml.BaseModel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * The prepare-dataset job: labelled texts from a file under a data root or a database table, cleaned, redacted,
 * filtered, de-duplicated and split into an immutable dataset version.
 */
@ApplicationScoped
public class PrepareDatasetJob implements JobDefinition {

    public static final String NAME = "prepare-dataset";

    @Inject
    DataStore store;

    @Override
    public String jobName() {
        return NAME;
    }

    @Override
    public String description() {
        return "Turns labelled texts (JSONL, CSV or a database table) into an immutable dataset version: every record"
                + " cleaned and PII-redacted or quarantined with a reason, duplicates listed, a stratified split, a"
                + " manifest that reconciles the counts.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.required("dataset.name", "Name of the dataset; each run adds a version",
                        ValueRule.name()),
                ParameterSpec.optional("input.path", null,
                        "Input file: absolute, or relative to a data root (the store's inbox/, the bundled samples/);"
                                + " required unless input.format=jdbc", ValueRule.anyText()),
                ParameterSpec.optional("input.format", null,
                        "jsonl, csv or jdbc; default from the file extension", ValueRule.oneOf("jsonl", "csv", "jdbc")),
                ParameterSpec.optional("input.datasource", null,
                        "JNDI name of the data source to read (input.format=jdbc)", ValueRule.anyText()),
                ParameterSpec.optional("input.table", null,
                        "Table to read, [schema.]name (input.format=jdbc); its id column must be unique",
                        ValueRule.anyText()),
                ParameterSpec.optional("id.field", "id", "Field or column holding the record id", ValueRule.fieldName()),
                ParameterSpec.optional("text.field", "text", "Field or column holding the text", ValueRule.fieldName()),
                ParameterSpec.optional("label.field", "label", "Field or column holding the label",
                        ValueRule.fieldName()),
                ParameterSpec.optional("labels", null,
                        "Comma-separated allowed labels; other labels are quarantined (default: any label)",
                        listRule()),
                ParameterSpec.optional("clean", CleaningRule.defaultValue(),
                        "Cleaning rules to apply, comma-separated, or none: email (headers, MIME decoding), html,"
                                + " nfkc, control, whitespace", v -> problem(() -> CleaningRule.parse(v))),
                ParameterSpec.optional("redact.pii", "true",
                        "Replace e-mail addresses, phone numbers, cards, IBANs, IPs and Chinese IDs with placeholders",
                        ValueRule.bool()),
                ParameterSpec.optional("blocked.terms", null,
                        "File of blocked terms (one a line, under a data root); records containing one are quarantined",
                        ValueRule.anyText()),
                ParameterSpec.optional("tokenizer", BaseModel.ALL_MINILM_L6_V2.id(),
                        "Tokenizer of the target model, for token lengths",
                        ValueRule.oneOf(Arrays.stream(BaseModel.values()).map(BaseModel::id).toArray(String[]::new))),
                ParameterSpec.optional("max.tokens", "512", "Longest text in tokens of the tokenizer",
                        ValueRule.integer(8, 8192)),
                ParameterSpec.optional("max.tokens.policy", "truncate",
                        "What to do with a longer text: truncate it, or reject (quarantine) it",
                        ValueRule.oneOf("truncate", "reject")),
                ParameterSpec.optional("max.record.bytes", "1048576",
                        "Longest input record in bytes; longer ones are quarantined unread",
                        ValueRule.integer(1024, 64L * 1024 * 1024)),
                ParameterSpec.optional("dedupe", "near", "Which duplicates to remove: near, exact or none",
                        ValueRule.oneOf("near", "exact", "none")),
                ParameterSpec.optional("dedupe.threshold", "0.9",
                        "Estimated Jaccard similarity at which two texts are near duplicates",
                        ValueRule.decimal(0.5, 1.0)),
                ParameterSpec.optional("split", "0.8,0.1,0.1", "Shares of train, validation and test",
                        v -> problem(() -> new StratifiedSplitter(StratifiedSplitter.parseRatios(v), 0))),
                ParameterSpec.optional("split.seed", "42", "Seed of the split (and of augmentation)",
                        ValueRule.integer(Long.MIN_VALUE, Long.MAX_VALUE)),
                ParameterSpec.optional("augment", "none", "Augmentation of the train split: none or eda",
                        ValueRule.oneOf("none", "eda")),
                ParameterSpec.optional("augment.factor", "1", "Augmented rows per train record (augment=eda)",
                        ValueRule.integer(1, 16)),
                ParameterSpec.optional("augment.thesaurus", "thesaurus-en.txt",
                        "Synonym file for augment=eda (under a data root): one group of synonyms a line,"
                                + " comma-separated", ValueRule.anyText()),
                ParameterSpec.optional("checkpoint.every.records", "100",
                        "Records per ingest chunk: a checkpoint after each; a restart repeats at most this many",
                        ValueRule.integer(1, 100_000)));
    }

    @Override
    public List<ParameterError> prepare(Map<String, String> parameters) {
        List<ParameterError> errors = new ArrayList<>();
        FieldMapping fields = new FieldMapping(parameters.get("id.field"), parameters.get("text.field"),
                parameters.get("label.field"));
        String format = parameters.get("input.format");
        if ("jdbc".equals(format)) {
            prepareJdbc(parameters, fields, errors);
        } else {
            prepareFile(parameters, fields, errors);
        }
        if (parameters.containsKey("blocked.terms")) {
            resolve(parameters, "blocked.terms", errors);
        }
        if ("eda".equals(parameters.get("augment"))) {
            resolve(parameters, "augment.thesaurus", errors);
        }
        return errors;
    }

    private void prepareFile(Map<String, String> parameters, FieldMapping fields, List<ParameterError> errors) {
        if (!parameters.containsKey("input.path")) {
            errors.add(new ParameterError("input.path", "is required (unless input.format=jdbc)"));
            return;
        }
        Path input = resolve(parameters, "input.path", errors);
        if (input == null) {
            return;
        }
        if (!completeFormat(parameters, "input.format", input, errors)) {
            return;
        }
        if (parameters.get("input.format").equals("csv")) {
            int max = Integer.parseInt(parameters.get("max.record.bytes"));
            try (CsvRecordSource csv = CsvRecordSource.open(input, max)) {
                List<String> header = csv.header();
                for (String p : List.of("id.field", "text.field", "label.field")) {
                    if (!header.contains(parameters.get(p))) {
                        errors.add(new ParameterError(p, "the CSV header has no field '" + parameters.get(p)
                                + "'; it has " + String.join(", ", header)));
                    }
                }
            } catch (IOException e) {
                errors.add(new ParameterError("input.path", e.getMessage()));
            }
        }
        for (String p : List.of("input.datasource", "input.table")) {
            if (parameters.containsKey(p)) {
                errors.add(new ParameterError(p, "applies only to input.format=jdbc"));
            }
        }
    }

    private void prepareJdbc(Map<String, String> parameters, FieldMapping fields, List<ParameterError> errors) {
        if (parameters.containsKey("input.path")) {
            errors.add(new ParameterError("input.path", "must not be given with input.format=jdbc"));
        }
        String jndi = parameters.get("input.datasource");
        if (jndi == null || !jndi.startsWith("java:")) {
            errors.add(new ParameterError("input.datasource",
                    "must be the JNDI name of a data source (java:...) when input.format=jdbc"));
            return;
        }
        DataSource ds;
        try {
            ds = (DataSource) new InitialContext().lookup(jndi);
        } catch (NamingException | ClassCastException e) {
            errors.add(new ParameterError("input.datasource", "no data source is bound at " + jndi));
            return;
        }
        if (!parameters.containsKey("input.table")) {
            errors.add(new ParameterError("input.table", "is required when input.format=jdbc"));
            return;
        }
        try {
            JdbcTableSource.open(ds, parameters.get("input.table"), fields, 1);
        } catch (JdbcTableSource.InvalidInput e) {
            errors.add(new ParameterError(e.parameter(), e.getMessage()));
        }
    }

    /**
     * Sets the format parameter from the file extension (.jsonl, .ndjson, .csv) when it is not given; false, with an
     * error naming the parameter, when the extension says nothing.
     */
    static boolean completeFormat(Map<String, String> parameters, String name, Path file,
            List<ParameterError> errors) {
        if (parameters.containsKey(name)) {
            return true;
        }
        String fileName = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (fileName.endsWith(".jsonl") || fileName.endsWith(".ndjson")) {
            parameters.put(name, "jsonl");
        } else if (fileName.endsWith(".csv")) {
            parameters.put(name, "csv");
        } else {
            errors.add(new ParameterError(name, "cannot be told from the file name '" + fileName + "'; give " + name
                    + "=jsonl or csv"));
            return false;
        }
        return true;
    }

    /** Resolves a file parameter inside the data roots and replaces it with the real path. */
    private Path resolve(Map<String, String> parameters, String name, List<ParameterError> errors) {
        try {
            Path p = store.resolveInput(parameters.get(name));
            parameters.put(name, p.toString());
            return p;
        } catch (InputPathException e) {
            errors.add(new ParameterError(name, e.getMessage()));
            return null;
        }
    }

    private static ValueRule listRule() {
        return v -> Arrays.stream(v.split(",")).anyMatch(String::isBlank)
                ? Optional.of("must be a comma-separated list of labels without empty entries, got '" + v + "'")
                : Optional.empty();
    }

    private static Optional<String> problem(Runnable check) {
        try {
            check.run();
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }
}
