package io.tuneledger.ml.djl;

import io.tuneledger.config.Parameter;
import io.tuneledger.data.JsonlFiles;
import io.tuneledger.ml.Baseline;
import io.tuneledger.ml.FineTuningTask;
import io.tuneledger.ml.Predictor;
import io.tuneledger.ml.RunSpec;
import io.tuneledger.ml.ScoreEngine;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.TaskMetrics;
import io.tuneledger.ml.TaskRun;
import io.tuneledger.ml.TaskType;
import io.tuneledger.ml.TextDocument;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.TrainingSession;
import io.tuneledger.ml.weights.SafeTensors;
import io.tuneledger.ml.weights.WeightsException;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Domain adaptation on the PyTorch engine: continued pre-training of a BERT encoder on the enterprise's unlabelled
 * texts with the masked-language-model objective ({@link AdaptationObjective}), measured by masked-token accuracy and
 * perplexity, compared with the same start with the encoder frozen (only the head trained, same data and budget),
 * saved as a Hugging Face {@code BertForMaskedLM} directory ({@link ModelArtifact#saveMaskedLm}) that fine-tune takes
 * as {@code base.model=name:version}. A dataset version's splits hold {@code {"id","text"}} lines.
 */
public final class DjlAdaptationTask implements FineTuningTask {

    @Override
    public TaskType type() {
        return TaskType.ADAPTATION;
    }

    @Override
    public String gateMetric() {
        return "test masked-token accuracy";
    }

    @Override
    public Parameter<Double> gateParameter() {
        return TrainingParameters.GATE_MIN_MASKED_ACCURACY;
    }

    /** {@code adapt.mask.probability}. */
    @Override
    public List<Parameter<?>> parameters() {
        return TrainingParameters.ADAPTATION;
    }

    @Override
    public TaskRun open(RunSpec spec) throws IOException {
        StartingWeights start = StartingWeights.of(spec.start());
        Map<Split, List<TextDocument>> splits = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            List<TextDocument> texts = new ArrayList<>();
            JsonlFiles.forEach(spec.datasetDir().resolve(split.fileName()), o -> texts.add(new TextDocument(
                    o.getString("id"), o.getString("text"))));
            splits.put(split, texts);
        }
        return new AdaptationRun(spec, start, splits);
    }

    /** An adapted encoder is a starting point for fine-tuning; it has no labels to score texts with. */
    @Override
    public Predictor predictor(Path artifactDir, ScoreEngine engine, boolean bucketing, int threads) {
        throw new IllegalStateException("The model in " + artifactDir + " is an adapted encoder: fine-tune it"
                + " (base.model=name:version) into a classifier before scoring with it");
    }

    /** The encoder and its masked-LM head built from the starting weights, with the tokenizer and the texts. */
    private static final class AdaptationRun extends EncoderRun<TextDocument> {
        private final MaskedLmHead head;
        private final MaskedTokens.Vocabulary vocabulary;

        AdaptationRun(RunSpec spec, StartingWeights start, Map<Split, List<TextDocument>> splits)
                throws IOException {
            super(spec, start, splits, m -> BertClassifierModel.encoderOnly(m, start.config(), start.encoder()));
            MaskedLmHead h = null;
            try {
                vocabulary = vocabulary(tokenizer, start);
                h = MaskedLmHead.create(manager, start.config(), start.maskedLmHead(), spec.config().seed());
            } catch (IOException | RuntimeException e) {
                super.close();
                throw e;
            }
            head = h;
        }

        private static MaskedTokens.Vocabulary vocabulary(TextTokenizer tokenizer, StartingWeights start)
                throws WeightsException {
            long mask = tokenizer.tokenId("[MASK]");
            if (mask < 0) {
                throw new WeightsException("The tokenizer of " + start.description() + " has no [MASK] token; domain"
                        + " adaptation needs a BERT tokenizer");
            }
            Set<Long> special = new HashSet<>();
            for (String token : List.of("[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]")) {
                long id = tokenizer.tokenId(token);
                if (id >= 0) {
                    special.add(id);
                }
            }
            return new MaskedTokens.Vocabulary(mask, start.config().vocabSize(), Set.copyOf(special));
        }

        @Override
        public List<String> labels() {
            return List.of();
        }

        private AdaptationObjective objective(TrainingConfig config) {
            return new AdaptationObjective(model, head, tokenizer, vocabulary,
                    config.taskSetting(TrainingParameters.ADAPT_MASK_PROBABILITY), config.seed(),
                    texts(Split.TRAIN), texts(Split.VALIDATION));
        }

        private List<String> texts(Split split) {
            return examples(split).stream().map(TextDocument::text).toList();
        }

        @Override
        public TrainingSession newSession(Path workDir) throws IOException {
            return new DjlTrainingSession(spec.config(), objective(spec.config()), workDir);
        }

        /**
         * The frozen-encoder baseline: only the masked-LM head trained, from the same start, on the same texts with
         * the same epochs, batch size, learning rate and seed; scored on the test split's hidden tokens.
         */
        @Override
        public Baseline baseline(Path workDir, BooleanSupplier stopRequested) throws IOException {
            TrainingConfig frozen = spec.config().withMode(TrainingConfig.TrainMode.HEAD);
            AdaptationObjective objective = objective(frozen);
            FineTuner.Result result;
            try (DjlTrainingSession session = new DjlTrainingSession(frozen, objective, workDir)) {
                result = new FineTuner(frozen, List.of(), workDir).run(session, objective, new FineTuner.Listener() { },
                        stopRequested);
            }
            if (result == null) {
                return null;
            }
            return new Baseline("head", result.steps(), result.bestEpoch(), result.bestValidation(),
                    evaluate(Split.TEST));
        }

        @Override
        public void loadWeights(Path weightsFile) throws IOException {
            AdaptationObjective.load(SafeTensors.read(weightsFile).tensors(), model, head);
        }

        /** Masked-token accuracy and perplexity on the split's texts, each with its own fixed hidden tokens. */
        @Override
        public TaskMetrics evaluate(Split split) {
            List<long[]> ids = texts(split).stream().map(tokenizer::ids).toList();
            float probability = spec.config().taskSetting(TrainingParameters.ADAPT_MASK_PROBABILITY);
            return AdaptationObjective.measure(model, head, tokenizer, AdaptationObjective.fixedMasks(ids,
                    AdaptationObjective.splitSeed(spec.config().seed(), split), probability, vocabulary), 32, manager);
        }

        @Override
        public String export(Path dir, JsonObject provenance) throws IOException {
            ModelArtifact.saveMaskedLm(dir, model, head.toTensors(), start.tokenizerJson(), provenance,
                    start.queryPrefix());
            return ModelArtifact.sha256(dir.resolve(ModelArtifact.WEIGHTS));
        }

        @Override
        public void close() {
            if (head != null) {
                head.close();
            }
            super.close();
        }
    }
}
