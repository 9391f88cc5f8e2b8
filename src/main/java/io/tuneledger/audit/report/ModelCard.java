package io.tuneledger.audit.report;

import io.tuneledger.data.DatasetManifest;
import io.tuneledger.data.DatasetParameters;
import io.tuneledger.data.DatasetStatistics;
import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.Quantization;
import io.tuneledger.ml.RetrievalMetrics;
import io.tuneledger.ml.TaskMetrics;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.registry.ModelDetails;
import io.tuneledger.registry.ModelVersion;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
     * A distilled model's origin: the teacher version it was resolved to at the job's start (distill.teacher may
     * say {@code latest}), as its provenance records it, and where the student started.
     */
    private static String distilledFrom(ModelVersion model, ModelDetails details) {
        String teacher = details.parameters().get(TrainingParameters.DISTILL_TEACHER.name());
        Path file = Path.of(model.path()).resolve(io.tuneledger.ml.Provenance.FILE);
        try {
            JsonObject provenance = java.nio.file.Files.exists(file) ? io.tuneledger.data.JsonFiles.read(file)
                    : JsonValue.EMPTY_JSON_OBJECT;
            if (provenance.get("distillation") instanceof JsonObject d) {
                teacher = d.getJsonObject("teacher").getString("model", teacher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "Distilled from the classifier " + teacher + " (its softened outputs and the labels) into a student"
                + " starting from " + model.baseModel();
    }

    /**
     * The card of {@code model}, whose registry details are {@code details}; {@code manifest} is its training
     * dataset's manifest (null when that dataset is no longer registered). Includes the test split's confusion matrix
     * and labels, so that the console can show the card as a person reads it.
     */
    public static JsonObject of(ModelVersion model, ModelDetails details, DatasetManifest manifest) {
        if (details.evaluation().test() instanceof io.tuneledger.ml.AdaptationMetrics) {
            return adaptation(model, details, manifest);
        }
        if (details.evaluation().test() instanceof io.tuneledger.ml.AnswerMetrics) {
            return generation(model, details, manifest);
        }
        if (!(details.evaluation().test() instanceof ClassificationMetrics test)) {
            return retrieval(model, details, manifest);
        }
        List<String> labels = details.labels();
        double baselineF1 = details.evaluation().baseline().test().primary();
        String textField = details.parameters().getOrDefault(DatasetParameters.TEXT_FIELD.name(),
                DatasetParameters.TEXT_FIELD.defaultValue());

        var speed = details.evaluation().baseline().speed();
        String origin = speed == null ? "Fine-tuned from " + model.baseModel() : distilledFrom(model, details);
        String intendedUse = "Classifies the '" + textField + "' text of a record into one of " + labels.size()
                + " labels (" + String.join(", ", labels) + "). " + origin + " on "
                + model.datasetName() + " v" + model.datasetVersion() + "; meant for text like that dataset's, "
                + "as a decision aid whose output is reviewed, not as the only basis of a decision about a person.";

        JsonObject trainingData = trainingData(model, manifest, true);

        JsonObject testJson = test.toJson();
        var summary = Json.createObjectBuilder()
                .add("split", "test")
                .add("macroF1", test.macroF1())
                .add("accuracy", test.accuracy())
                .add("baselineMacroF1", baselineF1)
                .add("baselineAccuracy", ((ClassificationMetrics) details.evaluation().baseline().test()).accuracy())
                .add("baseline", speed == null
                        ? "the same base model with its encoder frozen, trained on the same data and budget"
                        : "the teacher it was distilled from, as registered");
        if (speed != null) {
            summary.add("student", speed.toJson());
        }
        JsonObject evaluationSummary = summary
                .add("perClass", testJson.getJsonArray("perClass"))
                .add("confusion", testJson.getJsonArray("confusion"))
                .add("labels", testJson.getJsonArray("labels"))
                .add("gate", details.gate().toJson())
                .add("int8", int8(model))
                .build();

        List<String> limitations = new ArrayList<>();
        long testSize = test.perClass().stream().mapToLong(ClassificationMetrics.PerClass::support).sum();
        limitations.add("Evaluated on " + testSize + " held-out records of the same source; accuracy on other "
                + "sources, periods or languages is unknown.");
        test.perClass().stream().min(java.util.Comparator.comparingDouble(ClassificationMetrics.PerClass::f1))
                .ifPresent(weakest -> limitations.add(String.format(Locale.ROOT,
                        "Weakest label on the test split: '%s' (F1 %.3f).", weakest.label(), weakest.f1())));
        if ("lora".equals(details.parameters().get(TrainingParameters.MODE.name()))) {
            limitations.add("Saved as LoRA adapters (rank " + details.parameters().get(TrainingParameters.LORA_RANK.name())
                    + ", alpha " + details.parameters().get(TrainingParameters.LORA_ALPHA.name()) + ", on "
                    + details.parameters().get(TrainingParameters.LORA_TARGETS.name()) + ") over " + model.baseModel()
                    + " (weights SHA-256 " + model.baseModelSha256() + "): it runs only on that base model, which is"
                    + " checked when it is loaded.");
        }
        limitations.add("Inputs longer than " + details.parameters().getOrDefault(
                TrainingParameters.MAX_LENGTH.name(), "?") + " tokens are truncated: only their beginning is read.");
        if (manifest != null) {
            DatasetStatistics.TokenStats tokens = manifest.statistics().tokens();
            limitations.add("Of the training dataset's " + tokens.count() + " records, " + tokens.truncated()
                    + " exceeded the dataset's token limit.");
        }
        return card(model, manifest, intendedUse, trainingData, evaluationSummary, limitations);
    }

    /**
     * The int8 ONNX export's measurement on the test split (made when the model first scored with
     * {@code score.engine=onnx-int8}), or null when it has not been made.
     */
    private static JsonValue int8(ModelVersion model) {
        if (model.path() == null) {
            return JsonValue.NULL;
        }
        try {
            return Quantization.recorded(Path.of(model.path())).<JsonValue>map(Quantization::toJson)
                    .orElse(JsonValue.NULL);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The card of a retrieval model: what it ranks, the training pairs and documents, the test figures of the
     * fine-tuned model beside the base model as it was and BM25 ({@code compared}, the primary figure first).
     */
    private static JsonObject retrieval(ModelVersion model, ModelDetails details, DatasetManifest manifest) {
        TaskMetrics test = details.evaluation().test();
        String intendedUse = "Ranks the documents of a corpus for a question (question answering by retrieval): it"
                + " turns queries and documents into vectors and orders the documents by cosine similarity. Fine-tuned"
                + " from " + model.baseModel() + " on the question-answer pairs of " + model.datasetName() + " v"
                + model.datasetVersion() + "; meant for questions and documents like that dataset's, to find"
                + " passages a person reads, not to decide on its own.";
        JsonObject trainingData = trainingData(model, manifest, false);
        JsonArrayBuilder compared = Json.createArrayBuilder()
                .add(row("fine-tuned", test))
                .add(row(details.evaluation().baseline().describeMode() + " (before fine-tuning)",
                        details.evaluation().baseline().test()));
        details.evaluation().baseline().alsoCompared().forEach((name, m) -> compared.add(row(name, m)));
        JsonObject evaluationSummary = Json.createObjectBuilder()
                .add("split", "test")
                .add("task", "retrieval")
                .add("primary", test.summary().keySet().iterator().next())
                .add("compared", compared)
                .add("gate", details.gate().toJson())
                .build();
        List<String> limitations = new ArrayList<>();
        long queries = test instanceof RetrievalMetrics r ? r.queries() : 0;
        limitations.add("Evaluated on " + queries + " held-out questions, each ranked against all "
                + (manifest == null ? "the" : Long.toString(manifest.statistics().counts().documents()))
                + " documents of the dataset; no answer document of the test questions was trained on. Quality on"
                + " other collections, wordings or languages is unknown.");
        limitations.add("Queries and documents longer than " + details.parameters().getOrDefault(
                TrainingParameters.MAX_LENGTH.name(), "?") + " tokens are truncated: only their beginning is read.");
        return card(model, manifest, intendedUse, trainingData, evaluationSummary, limitations);
    }

    /**
     * The card of an adapted encoder: what adaptation did, how its masked-language-model head began, the test figures
     * beside the frozen encoder's with the same head trained alone.
     */
    private static JsonObject generation(ModelVersion model, ModelDetails details, DatasetManifest manifest) {
        io.tuneledger.ml.AnswerMetrics test = (io.tuneledger.ml.AnswerMetrics) details.evaluation().test();
        String intendedUse = "Answers prompts like those of " + model.datasetName() + " v" + model.datasetVersion()
                + " in the form of their responses: " + model.baseModel() + " (a decoder language model brought by"
                + " the enterprise, weights SHA-256 " + model.baseModelSha256() + ") instruction-tuned on its"
                + " prompt-response pairs. Its answers are generated text to be read and checked by a person, not"
                + " facts and not decisions.";
        JsonArrayBuilder samples = Json.createArrayBuilder();
        test.samples().forEach(x -> samples.add(Json.createObjectBuilder().add("prompt", x.prompt())
                .add("reference", x.reference()).add("answer", x.answer())));
        JsonObject evaluationSummary = Json.createObjectBuilder()
                .add("split", "test")
                .add("task", "generation")
                .add("primary", test.summary().keySet().iterator().next())
                .add("compared", Json.createArrayBuilder().add(row("fine-tuned", test))
                        .add(row("base model (before fine-tuning)", details.evaluation().baseline().test())))
                .add("samples", samples)
                .add("gate", details.gate().toJson())
                .build();
        List<String> limitations = new ArrayList<>();
        limitations.add("Judged on " + test.answers() + " held-out prompts by the overlap of greedy answers with one"
                + " reference answer each (token F1, exact match, ROUGE-L): a correct answer worded differently"
                + " scores low, and a fluent wrong one can score well. Read the sample answers.");
        limitations.add("Prompts and responses longer than " + details.parameters().getOrDefault(
                TrainingParameters.MAX_LENGTH.name(), "?") + " tokens together were cut for training; answers are"
                + " at most " + details.parameters().getOrDefault(TrainingParameters.GENERATION_MAX_NEW_TOKENS.name(),
                TrainingParameters.GENERATION_MAX_NEW_TOKENS.defaultValue()) + " tokens long.");
        limitations.add("What the base model knew, including its biases, comes from its own training, which"
                + " Tuneledger did not see: the enterprise that brought it answers for it.");
        return card(model, manifest, intendedUse, trainingData(model, manifest, false), evaluationSummary,
                limitations);
    }

    private static JsonObject adaptation(ModelVersion model, ModelDetails details, DatasetManifest manifest) {
        TaskMetrics test = details.evaluation().test();
        String intendedUse = "A base model adapted to the language of " + model.datasetName() + " v"
                + model.datasetVersion() + ": " + model.baseModel() + " trained further to predict hidden tokens of"
                + " that corpus (masked-language-model training, 'adaptation'). It neither classifies nor ranks: fine-tune"
                + " it for a task with base.model=" + model.name() + ":" + model.version() + ".";
        JsonObject evaluationSummary = Json.createObjectBuilder()
                .add("split", "test")
                .add("task", "adaptation")
                .add("primary", test.summary().keySet().iterator().next())
                .add("compared", Json.createArrayBuilder().add(row("adapted", test))
                        .add(row("frozen encoder, head trained alone", details.evaluation().baseline().test())))
                .add("head", HEAD_INITIALISATION)
                .add("gate", details.gate().toJson())
                .build();
        List<String> limitations = new ArrayList<>();
        limitations.add("Masked-token accuracy and perplexity measure how well the model knows the corpus's language,"
                + " not how well a model fine-tuned from it will do a task: compare fine-tuned models from both"
                + " starts on the task's own test split.");
        limitations.add("Texts longer than " + details.parameters().getOrDefault(TrainingParameters.MAX_LENGTH.name(),
                "?") + " tokens were truncated for training: only their beginning was read.");
        return card(model, manifest, intendedUse, trainingData(model, manifest, false), evaluationSummary,
                limitations);
    }

    /** How an adapted model's masked-language-model head began. */
    static final String HEAD_INITIALISATION = "The shipped base models carry no masked-language-model head: a new one"
            + " starts with its dense layer the identity plus normal noise (standard deviation 0.02, from train.seed),"
            + " biases 0 and LayerNorm weights 1 (transformers' BertForMaskedLM initialisation plus the identity), its"
            + " output layer tied to the word embeddings; a starting model that has one (an adapted model) keeps its"
            + " own.";

    private static JsonObject row(String name, TaskMetrics m) {
        var figures = Json.createObjectBuilder();
        m.summary().forEach(figures::add);
        return Json.createObjectBuilder().add("model", name).add("figures", figures).build();
    }

    /** The training data section; {@code labels}: with the label counts (classification). */
    private static JsonObject trainingData(ModelVersion model, DatasetManifest manifest, boolean labels) {
        JsonObject statistics = manifest == null ? null : manifest.statistics().toJson();
        var b = Json.createObjectBuilder()
                .add("dataset", model.datasetName() + " v" + model.datasetVersion())
                .add("contentSha256", model.datasetSha256())
                .add("source", manifest == null ? JsonValue.NULL : manifest.source().toJson())
                .add("counts", manifest == null ? JsonValue.NULL : statistics.getJsonObject("counts"));
        if (labels) {
            b.add("labels", manifest == null ? JsonValue.NULL : statistics.getJsonObject("labels"));
        }
        return b.add("splits", manifest == null ? JsonValue.NULL : statistics.getJsonObject("splits"))
                .add("cleaning", manifest == null ? JsonValue.NULL : manifest.cleaning().toJson())
                .build();
    }

    /** The card, with the limitations every model shares (redaction, a rejected version) after the task's own. */
    private static JsonObject card(ModelVersion model, DatasetManifest manifest, String intendedUse,
            JsonObject trainingData, JsonObject evaluation, List<String> limitations) {
        if (manifest != null && manifest.cleaning().redactPii()) {
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
                .add("evaluation", evaluation)
                .add("limitations", lim)
                .build();
    }
}
