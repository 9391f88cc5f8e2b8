package io.tuneledger.launch;

import io.tuneledger.data.DataStore;
import io.tuneledger.data.InputPathException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The prepare-dataset job: labelled texts from a file under a data root into the data store. */
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
        return "Reads labelled texts from a file under a data root into the data store, every line accepted or"
                + " quarantined with a reason.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.required("dataset.name", "Name of the dataset to create", ValueRule.name()),
                ParameterSpec.required("input.path",
                        "Input file: absolute, or relative to a data root (the store's inbox/, the bundled samples/)",
                        ValueRule.anyText()),
                ParameterSpec.optional("input.format", null, "Input format; default from the file extension (jsonl)",
                        ValueRule.oneOf("jsonl")),
                ParameterSpec.optional("id.field", "id", "Field holding the record id", ValueRule.fieldName()),
                ParameterSpec.optional("text.field", "text", "Field holding the text", ValueRule.fieldName()),
                ParameterSpec.optional("label.field", "label", "Field holding the label", ValueRule.fieldName()));
    }

    @Override
    public List<ParameterError> prepare(Map<String, String> parameters) {
        Path input;
        try {
            input = store.resolveInput(parameters.get("input.path"));
        } catch (InputPathException e) {
            return List.of(new ParameterError("input.path", e.getMessage()));
        }
        parameters.put("input.path", input.toString());
        if (!parameters.containsKey("input.format")) {
            String file = input.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!file.endsWith(".jsonl")) {
                return List.of(new ParameterError("input.format",
                        "cannot be told from the file name '" + file + "'; give input.format=jsonl"));
            }
            parameters.put("input.format", "jsonl");
        }
        return List.of();
    }
}
