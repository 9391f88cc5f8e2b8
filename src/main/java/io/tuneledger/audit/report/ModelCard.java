package io.tuneledger.audit.report;

import io.tuneledger.registry.ModelVersion;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A model card (intended use, training data, evaluation, limitations) built from what the registry and the dataset
 * manifest record: nothing in it is typed by hand, so it cannot drift from the model it describes.
 */
public final class ModelCard {

    private ModelCard() {
    }

    /**
     * The card of {@code model}, whose registry details are {@code details}; {@code manifest} is its training
     * dataset's manifest (null when that dataset is no longer registered).
     */
    public static JsonObject of(ModelVersion model, JsonObject details, JsonObject manifest) {
        List<String> labels = details.getJsonArray("labels").getValuesAs(v -> ((jakarta.json.JsonString) v)
                .getString());
        JsonObject parameters = details.getJsonObject("parameters");
        JsonObject evaluation = details.getJsonObject("evaluation");
        JsonObject test = evaluation.getJsonObject("test");
        double baselineF1 = evaluation.getJsonObject("baseline").getJsonObject("test").getJsonNumber("macroF1")
                .doubleValue();
        String textField = parameters.getString("text.field", "text");

        String intendedUse = "Classifies the '" + textField + "' text of a record into one of " + labels.size()
                + " labels (" + String.join(", ", labels) + "). Fine-tuned from " + model.baseModel() + " on "
                + model.datasetName() + " v" + model.datasetVersion() + "; meant for text like that dataset's, "
                + "as a decision aid whose output is reviewed, not as the only basis of a decision about a person.";

        JsonObject trainingData = Json.createObjectBuilder()
                .add("dataset", model.datasetName() + " v" + model.datasetVersion())
                .add("contentSha256", model.datasetSha256())
                .add("source", manifest == null ? JsonValue.NULL : manifest.getJsonObject("source"))
                .add("counts", manifest == null ? JsonValue.NULL : manifest.getJsonObject("counts"))
                .add("labels", manifest == null ? JsonValue.NULL : manifest.getJsonObject("labels"))
                .add("splits", manifest == null ? JsonValue.NULL : manifest.getJsonObject("splits"))
                .add("cleaning", manifest == null ? JsonValue.NULL : manifest.getJsonObject("cleaning"))
                .build();

        JsonObject evaluationSummary = Json.createObjectBuilder()
                .add("split", "test")
                .add("macroF1", test.getJsonNumber("macroF1").doubleValue())
                .add("accuracy", test.getJsonNumber("accuracy").doubleValue())
                .add("baselineMacroF1", baselineF1)
                .add("baseline", "the same base model with its encoder frozen, trained on the same data and budget")
                .add("perClass", test.getJsonArray("perClass"))
                .add("gate", details.getJsonObject("gate"))
                .build();

        List<String> limitations = new ArrayList<>();
        long testSize = test.getJsonArray("perClass").stream()
                .mapToLong(c -> c.asJsonObject().getJsonNumber("support").longValue()).sum();
        limitations.add("Evaluated on " + testSize + " held-out records of the same source; accuracy on other "
                + "sources, periods or languages is unknown.");
        String weakest = null;
        double weakestF1 = 2;
        for (JsonValue c : test.getJsonArray("perClass")) {
            double f1 = c.asJsonObject().getJsonNumber("f1").doubleValue();
            if (f1 < weakestF1) {
                weakestF1 = f1;
                weakest = c.asJsonObject().getString("label");
            }
        }
        if (weakest != null) {
            limitations.add(String.format(Locale.ROOT, "Weakest label on the test split: '%s' (F1 %.3f).", weakest,
                    weakestF1));
        }
        limitations.add("Inputs longer than " + parameters.getString("train.max.length", "?") + " tokens are "
                + "truncated: only their beginning is read.");
        if (manifest != null && manifest.containsKey("tokens")) {
            long truncated = manifest.getJsonObject("tokens").getJsonNumber("truncated").longValue();
            long count = manifest.getJsonObject("tokens").getJsonNumber("count").longValue();
            limitations.add("Of the training dataset's " + count + " records, " + truncated + " exceeded the "
                    + "dataset's token limit.");
        }
        if (manifest != null && manifest.getJsonObject("cleaning").getBoolean("redactPii", false)) {
            limitations.add("Personal data (e-mail addresses, phone and card numbers, IP addresses) was replaced "
                    + "by placeholders before training; the model has not seen such values.");
        }
        if (model.status() == ModelVersion.Status.REJECTED) {
            limitations.add("This version was REJECTED by its quality gate and must not be used.");
        }
        JsonArrayBuilder lim = Json.createArrayBuilder();
        limitations.forEach(lim::add);

        return Json.createObjectBuilder()
                .add("model", model.name() + " v" + model.version())
                .add("status", model.status().name().toLowerCase(Locale.ROOT))
                .add("baseModel", model.baseModel())
                .add("weightsSha256", model.weightsSha256())
                .add("createdAt", model.createdAt().toString())
                .add("intendedUse", intendedUse)
                .add("trainingData", trainingData)
                .add("evaluation", evaluationSummary)
                .add("limitations", lim)
                .build();
    }
}
