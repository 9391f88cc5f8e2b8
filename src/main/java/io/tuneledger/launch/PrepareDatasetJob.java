package io.tuneledger.launch;

import io.tuneledger.batch.JobParameters;
import io.tuneledger.config.Parameter;
import io.tuneledger.data.BeirDirectory;
import io.tuneledger.data.CsvRecordSource;
import io.tuneledger.data.DataStore;
import io.tuneledger.data.DatasetParameters;
import io.tuneledger.data.FieldMapping;
import io.tuneledger.data.InputPathException;
import io.tuneledger.data.JdbcTableSource;
import io.tuneledger.ml.TaskType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    public List<Parameter<?>> parameters() {
        return JobParameters.PREPARE_DATASET;
    }

    @Override
    public List<ParameterError> prepare(Map<String, String> parameters) {
        List<ParameterError> errors = new ArrayList<>();
        boolean adaptation = TaskType.ADAPTATION.id().equals(parameters.get("task"));
        FieldMapping fields = new FieldMapping(parameters.get("id.field"), parameters.get("text.field"),
                adaptation ? null : parameters.get("label.field"));
        String format = parameters.get("input.format");
        boolean retrieval = TaskType.RETRIEVAL.id().equals(parameters.get("task"));
        if (adaptation) {
            if ("jdbc".equals(format)) {
                errors.add(new ParameterError("input.format", "jdbc is not supported with task=adaptation; give a"
                        + " JSONL or CSV file of texts"));
                return errors;
            }
            String labelField = parameters.get(DatasetParameters.LABEL_FIELD.name());
            if (labelField != null && !labelField.equals(DatasetParameters.LABEL_FIELD.defaultValue())) {
                errors.add(new ParameterError(DatasetParameters.LABEL_FIELD.name(), "applies to task=classification"
                        + " only: adaptation texts have no labels (any label field is ignored)"));
            }
            if (parameters.containsKey(DatasetParameters.LABELS.name())) {
                errors.add(new ParameterError(DatasetParameters.LABELS.name(), "applies to task=classification only:"
                        + " adaptation texts have no labels"));
            }
            if (!"none".equals(parameters.get("augment"))) {
                errors.add(new ParameterError("augment", "applies to task=classification only"));
            }
        }
        boolean generation = TaskType.GENERATION.id().equals(parameters.get("task"));
        if (generation) {
            if ("jdbc".equals(format) || "beir".equals(format)) {
                errors.add(new ParameterError("input.format", format + " is not supported with task=generation;"
                        + " give a JSONL or CSV file of prompts and responses"));
                return errors;
            }
            refuseClassificationOnly(parameters, errors);
            if (given(parameters, DatasetParameters.MESSAGES_FIELD)) {
                for (var p : List.of(DatasetParameters.PROMPT_FIELD, DatasetParameters.RESPONSE_FIELD)) {
                    if (given(parameters, p)) {
                        errors.add(new ParameterError(p.name(), "cannot be given with messages.field: a conversation"
                                + " holds its prompt and its response (the last message)"));
                    }
                }
            }
        } else {
            for (var p : List.of(DatasetParameters.PROMPT_FIELD, DatasetParameters.RESPONSE_FIELD,
                    DatasetParameters.MESSAGES_FIELD)) {
                if (given(parameters, p)) {
                    errors.add(new ParameterError(p.name(), "applies to task=generation only"));
                }
            }
        }
        if (retrieval) {
            if ("jdbc".equals(format)) {
                errors.add(new ParameterError("input.format", "jdbc is not supported with task=retrieval; give a"
                        + " JSONL or CSV file of pairs, or a BEIR directory"));
                return errors;
            }
            refuseClassificationOnly(parameters, errors);
        } else {
            if ("beir".equals(format) && !generation) {
                errors.add(new ParameterError("input.format", "beir holds question-answer pairs: it needs"
                        + " task=retrieval"));
                return errors;
            }
            for (String p : List.of("positive.id.field", "negative.field")) {
                if (parameters.containsKey(p)) {
                    errors.add(new ParameterError(p, "applies to task=retrieval only"));
                }
            }
        }
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

    /** Whether {@code p} is given with a value other than its default (the launcher fills defaults in). */
    private static boolean given(Map<String, String> parameters, Parameter<?> p) {
        String value = parameters.get(p.name());
        return value != null && !value.isBlank() && !value.strip().equals(p.defaultValue());
    }

    /** {@code augment} and {@code labels} apply to labelled texts only. */
    private static void refuseClassificationOnly(Map<String, String> parameters, List<ParameterError> errors) {
        if (!"none".equals(parameters.get("augment"))) {
            errors.add(new ParameterError("augment", "applies to task=classification only"));
        }
        if (parameters.containsKey("labels")) {
            errors.add(new ParameterError("labels", "applies to task=classification only"));
        }
    }

    private void prepareFile(Map<String, String> parameters, FieldMapping fields, List<ParameterError> errors) {
        if (!parameters.containsKey("input.path")) {
            errors.add(new ParameterError("input.path", "is required (unless input.format=jdbc)"));
            return;
        }
        boolean retrieval = TaskType.RETRIEVAL.id().equals(parameters.get("task"));
        Path input;
        try {
            input = retrieval ? store.resolveInputOrDirectory(parameters.get("input.path"))
                    : store.resolveInput(parameters.get("input.path"));
            parameters.put("input.path", input.toString());
        } catch (InputPathException e) {
            errors.add(new ParameterError("input.path", e.getMessage()));
            return;
        }
        if (Files.isDirectory(input)) {
            if (!parameters.getOrDefault("input.format", "beir").equals("beir")) {
                errors.add(new ParameterError("input.path", "is a directory: only input.format=beir reads one"));
                return;
            }
            parameters.put("input.format", "beir");
            if (!BeirDirectory.isBeir(input)) {
                errors.add(new ParameterError("input.path", "is not a BEIR directory: it needs "
                        + BeirDirectory.CORPUS + ", " + BeirDirectory.QUERIES + " and " + BeirDirectory.QRELS
                        + "/*.tsv"));
            }
            return;
        }
        if ("beir".equals(parameters.get("input.format"))) {
            errors.add(new ParameterError("input.path", "must be a directory for input.format=beir"));
            return;
        }
        if (!completeFormat(parameters, "input.format", input, errors)) {
            return;
        }
        if (parameters.get("input.format").equals("csv")) {
            int max = Integer.parseInt(parameters.get("max.record.bytes"));
            try (CsvRecordSource csv = CsvRecordSource.open(input, max)) {
                List<String> header = csv.header();
                List<String> named = new ArrayList<>(retrieval ? List.of("id.field", "query.field", "positive.field")
                        : TaskType.GENERATION.id().equals(parameters.get("task"))
                        ? given(parameters, DatasetParameters.MESSAGES_FIELD) ? List.of("id.field", "messages.field")
                        : List.of("id.field", "prompt.field", "response.field")
                        : TaskType.ADAPTATION.id().equals(parameters.get("task")) ? List.of("id.field", "text.field")
                        : List.of("id.field", "text.field", "label.field"));
                for (String optional : retrieval ? List.of("positive.id.field", "negative.field") : List.<String>of()) {
                    if (parameters.containsKey(optional)) {
                        named.add(optional);
                    }
                }
                for (String p : named) {
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
}
