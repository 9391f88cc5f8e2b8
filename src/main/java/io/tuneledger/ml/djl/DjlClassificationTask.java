package io.tuneledger.ml.djl;

import io.tuneledger.config.Parameter;
import io.tuneledger.data.JsonlFiles;
import io.tuneledger.ml.Baseline;
import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.FineTuningTask;
import io.tuneledger.ml.LabelledText;
import io.tuneledger.ml.Predictor;
import io.tuneledger.ml.Quantization;
import io.tuneledger.ml.RunSpec;
import io.tuneledger.ml.ScoreEngine;
import io.tuneledger.ml.ScoringExport;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.TaskMetrics;
import io.tuneledger.ml.TaskRun;
import io.tuneledger.ml.TaskType;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.TrainingSession;
import io.tuneledger.ml.weights.SafeTensors;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * Text classification on the PyTorch engine: a BERT encoder with a linear head ({@link BertClassifierModel}), trained
 * with cross-entropy ({@link ClassificationObjective}), measured by macro-F1 and accuracy, compared with the same
 * start with the encoder frozen, saved as a Hugging Face {@code BertForSequenceClassification} directory
 * ({@link ModelArtifact}). A dataset version's splits hold {@code {"id","text","label"}} lines; the labels are the
 * dataset's, sorted, or those of the starting model's head when it has one (incremental training).
 */
public final class DjlClassificationTask implements FineTuningTask {

    @Override
    public TaskType type() {
        return TaskType.CLASSIFICATION;
    }

    @Override
    public String gateMetric() {
        return "test macro-F1";
    }

    @Override
    public Parameter<Double> gateParameter() {
        return TrainingParameters.GATE_MIN_MACRO_F1;
    }

    @Override
    public TaskRun open(RunSpec spec) throws IOException {
        if (spec.teacher() != null) {
            return DistillationRun.open(spec);
        }
        StartingWeights start = StartingWeights.of(spec.start());
        List<String> labels = labels(spec.datasetDir(), start);
        return new ClassificationRun(spec, start, labels, splits(spec.datasetDir(), labels));
    }

    /**
     * The classifier in {@code artifactDir} on the model core (an adapter (LoRA) artifact runs from its merged model,
     * made once) or on ONNX Runtime ({@link OnnxModels}).
     */
    @Override
    public Predictor predictor(Path artifactDir, ScoreEngine engine, boolean bucketing, int threads)
            throws IOException {
        return switch (engine) {
            case PYTORCH -> ClassifierPredictor.load(ModelArtifact.merged(artifactDir), bucketing);
            case ONNX -> OnnxModels.open(artifactDir, BertOnnxExport.Precision.FP32, bucketing, threads);
            case ONNX_INT8 -> OnnxModels.open(artifactDir, BertOnnxExport.Precision.INT8, bucketing, threads);
        };
    }

    /** The ONNX export of the engine; for int8 first its measurement against fp32 ({@link OnnxModels}). */
    @Override
    public ScoringExport prepareScoring(Path artifactDir, ScoreEngine engine, Path datasetDir) throws IOException {
        if (engine == ScoreEngine.PYTORCH) {
            return ScoringExport.none();
        }
        Quantization q = engine == ScoreEngine.ONNX_INT8 ? OnnxModels.quantization(artifactDir, datasetDir) : null;
        Path file = OnnxModels.export(artifactDir, engine == ScoreEngine.ONNX ? BertOnnxExport.Precision.FP32
                : BertOnnxExport.Precision.INT8);
        return new ScoringExport(file, ModelArtifact.sha256(file), q);
    }

    /** {@code model} with LoRA adapters added when {@code config} trains in LoRA mode (from the run's seed). */
    static BertClassifierModel withAdapters(BertClassifierModel model, TrainingConfig config) {
        if (config.mode() == TrainingConfig.TrainMode.LORA) {
            model.addLora(config.lora(), config.seed());
        }
        return model;
    }

    /** The labels of a dataset version, sorted; or those of the starting model's head when it has one. */
    static List<String> labels(Path datasetDir, StartingWeights start) throws IOException {
        TreeSet<String> found = new TreeSet<>();
        for (Split split : Split.values()) {
            JsonlFiles.forEach(datasetDir.resolve(split.fileName()), o -> found.add(o.getString("label")));
        }
        if (!start.labels().isEmpty()) {
            if (!start.labels().containsAll(found)) {
                throw new IllegalStateException("The dataset has labels " + found + " but the model "
                        + start.description() + " knows only " + start.labels() + "; train a new model instead");
            }
            return start.labels();
        }
        return List.copyOf(found);
    }

    /** A split's records as labelled texts, label indices into {@code labels}. */
    static List<LabelledText> read(Path datasetDir, Split split, List<String> labels) throws IOException {
        List<LabelledText> out = new ArrayList<>();
        JsonlFiles.forEach(datasetDir.resolve(split.fileName()), o -> out.add(new LabelledText(o.getString("id"),
                o.getString("text"), labels.indexOf(o.getString("label")))));
        return out;
    }

    /** The splits of a dataset version, labels indexed into {@code labels}. */
    static Map<Split, List<LabelledText>> splits(Path datasetDir, List<String> labels) throws IOException {
        Map<Split, List<LabelledText>> splits = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            splits.put(split, read(datasetDir, split, labels));
        }
        return splits;
    }

    /** The model built from the starting weights, with its tokenizer, labels and the dataset's splits. */
    static class ClassificationRun extends EncoderRun<LabelledText> {
        protected final List<String> labels;

        ClassificationRun(RunSpec spec, StartingWeights start, List<String> labels,
                Map<Split, List<LabelledText>> splits) throws IOException {
            super(spec, start, splits, m -> withAdapters(BertClassifierModel.create(m, start.config(), labels.size(),
                    start.encoder(), start.head(), spec.config().seed()), spec.config()));
            this.labels = labels;
        }

        @Override
        public List<String> labels() {
            return labels;
        }

        private ClassificationObjective objective(TrainingConfig config) {
            return new ClassificationObjective(config, labels, model, tokenizer, examples(Split.TRAIN),
                    examples(Split.VALIDATION));
        }

        @Override
        public TrainingSession newSession(Path workDir) throws IOException {
            return new DjlTrainingSession(spec.config(), objective(spec.config()), workDir);
        }

        /**
         * The frozen-encoder baseline: the head alone trained on the encoder's vectors with the same data, epochs,
         * batch size, learning rate and seed ({@link FrozenEncoderObjective}), scored on the test split.
         */
        @Override
        public Baseline baseline(Path workDir, BooleanSupplier stopRequested) throws IOException {
            TrainingConfig head = spec.config().withMode(TrainingConfig.TrainMode.HEAD);
            FrozenEncoderObjective objective = new FrozenEncoderObjective(labels, model, tokenizer,
                    examples(Split.TRAIN), examples(Split.VALIDATION), manager);
            FineTuner.Result result;
            try (DjlTrainingSession session = new DjlTrainingSession(head, objective, workDir)) {
                result = new FineTuner(head, labels, workDir).run(session, objective, new FineTuner.Listener() { },
                        stopRequested);
            }
            if (result == null) {
                return null;
            }
            List<LabelledText> test = examples(Split.TEST);
            float[][] probabilities = objective.probabilities(FrozenEncoderObjective.vectors(model, tokenizer, test,
                    manager), manager);
            TaskMetrics testMetrics = ClassificationMetrics.of(labels, test.stream().mapToInt(LabelledText::label)
                    .toArray(), BatchPredictor.argmax(probabilities));
            return new Baseline("head", result.steps(), result.bestEpoch(), result.bestValidation(), testMetrics);
        }

        @Override
        public void loadWeights(Path weightsFile) throws IOException {
            model.load(SafeTensors.read(weightsFile).tensors());
        }

        @Override
        public TaskMetrics evaluate(Split split) {
            return BatchPredictor.evaluate(model, tokenizer, examples(split), labels, manager);
        }

        /**
         * The artifact: a {@code BertForSequenceClassification} directory, or, in LoRA mode, PEFT's adapter directory
         * (adapters and head only; the base model is named and its weights' SHA-256 recorded). Answers the SHA-256 of
         * the weights file written.
         */
        @Override
        public String export(Path dir, JsonObject provenance) throws IOException {
            if (model.lora() != null) {
                ModelArtifact.saveLora(dir, model, labels, start.tokenizerJson(), provenance, spec.start());
                return ModelArtifact.sha256(dir.resolve(ModelArtifact.ADAPTER_WEIGHTS));
            }
            ModelArtifact.save(dir, model, labels, start.tokenizerJson(), provenance);
            return ModelArtifact.sha256(dir.resolve(ModelArtifact.WEIGHTS));
        }
    }
}
