package io.tuneledger.ml.djl;

import io.tuneledger.config.Parameter;
import io.tuneledger.data.IngestOutcomes;
import io.tuneledger.data.JsonlFiles;
import io.tuneledger.ml.Baseline;
import io.tuneledger.ml.Bm25;
import io.tuneledger.ml.FineTuningTask;
import io.tuneledger.ml.Predictor;
import io.tuneledger.ml.QueryPair;
import io.tuneledger.ml.RetrievalMetrics;
import io.tuneledger.ml.RunSpec;
import io.tuneledger.ml.ScoreEngine;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.TaskMetrics;
import io.tuneledger.ml.TaskRun;
import io.tuneledger.ml.TaskType;
import io.tuneledger.ml.TextDocument;
import io.tuneledger.ml.TextEncoder;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.TrainingSession;
import io.tuneledger.ml.weights.SafeTensors;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Question answering by retrieval on the PyTorch engine: a bi-encoder ({@link BertClassifierModel#encoderOnly})
 * trained with the multiple-negatives ranking loss ({@link RetrievalObjective}), measured by MRR@10 and the rest
 * with each query of a split ranked against every document of the dataset version, compared with the base model as
 * it is and with BM25 (on the query without the base model's query prefix, which only the encoder reads), saved in
 * the sentence-transformers layout ({@link ModelArtifact}) with that prefix as its query prompt.
 *
 * <p>A retrieval dataset version holds, besides its split files of pairs ({@code {"id", "query", "doc",
 * "positive"}}, optionally {@code "negative.doc"} and {@code "negative"}: a hard negative), {@value #DOCUMENTS} with
 * every document ({@code {"id", "text"}}); without that file the documents are the pairs' own.
 */
public final class DjlRetrievalTask implements FineTuningTask {

    /** The dataset version's file of documents. */
    public static final String DOCUMENTS = "documents.jsonl";

    @Override
    public TaskType type() {
        return TaskType.RETRIEVAL;
    }

    @Override
    public String gateMetric() {
        return "test MRR@10";
    }

    @Override
    public Parameter<Double> gateParameter() {
        return TrainingParameters.GATE_MIN_MRR;
    }

    /** {@code retrieval.scale} and {@code retrieval.negatives}. */
    @Override
    public List<Parameter<?>> parameters() {
        return TrainingParameters.RETRIEVAL;
    }

    @Override
    public TaskRun open(RunSpec spec) throws IOException {
        StartingWeights start = StartingWeights.of(spec.start());
        Map<Split, List<QueryPair>> splits = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            splits.put(split, pairs(spec.datasetDir().resolve(split.fileName())));
        }
        return new RetrievalRun(spec, start, splits, documents(spec.datasetDir(), splits));
    }

    @Override
    public TextEncoder encoder(Path artifactDir) throws IOException {
        return SentenceEncoder.load(artifactDir);
    }

    /** A retrieval model ranks documents; scoring texts with labels is the classifier's. */
    @Override
    public Predictor predictor(Path artifactDir, ScoreEngine engine, boolean bucketing, int threads) {
        throw new IllegalStateException("The model in " + artifactDir + " is a retrieval model: it ranks documents"
                + " for queries and has no labels to score texts with");
    }

    /** The pairs of a split file. */
    static List<QueryPair> pairs(Path file) throws IOException {
        List<QueryPair> out = new ArrayList<>();
        JsonlFiles.forEach(file, o -> out.add(IngestOutcomes.pairOf(o)));
        return out;
    }

    /** The dataset's documents: its documents file, or the pairs' documents and hard negatives, each id once. */
    static List<TextDocument> documents(Path datasetDir, Map<Split, List<QueryPair>> splits) throws IOException {
        Map<String, TextDocument> documents = new LinkedHashMap<>();
        Path file = datasetDir.resolve(DOCUMENTS);
        if (Files.exists(file)) {
            JsonlFiles.forEach(file, o -> documents.putIfAbsent(o.getString("id"), new TextDocument(o.getString("id"),
                    o.getString("text"))));
        }
        for (List<QueryPair> pairs : splits.values()) {
            for (QueryPair p : pairs) {
                documents.putIfAbsent(p.documentId(), new TextDocument(p.documentId(), p.document()));
                if (p.negativeId() != null) {
                    documents.putIfAbsent(p.negativeId(), new TextDocument(p.negativeId(), p.negative()));
                }
            }
        }
        return List.copyOf(documents.values());
    }

    /** The encoder built from the starting weights, with its tokenizer, the splits and the documents. */
    private static final class RetrievalRun extends EncoderRun<QueryPair> {
        private final List<TextDocument> documents;
        private final Map<String, Set<String>> answersByQuery = new HashMap<>();

        RetrievalRun(RunSpec spec, StartingWeights start, Map<Split, List<QueryPair>> splits,
                List<TextDocument> documents) throws IOException {
            super(spec, start, splits, m -> BertClassifierModel.encoderOnly(m, start.config(), start.encoder()));
            this.documents = documents;
            for (List<QueryPair> pairs : splits.values()) {
                for (QueryPair p : pairs) {
                    answersByQuery.computeIfAbsent(p.query(), q -> new HashSet<>()).add(p.documentId());
                }
            }
        }

        @Override
        public List<String> labels() {
            return List.of();
        }

        @Override
        public TrainingSession newSession(Path workDir) throws IOException {
            return new DjlTrainingSession(spec.config(), new RetrievalObjective(model, tokenizer,
                    spec.config().taskSetting(TrainingParameters.RETRIEVAL_SCALE), start.queryPrefix(),
                    trainingPairs(), examples(Split.VALIDATION), documents), workDir);
        }

        /**
         * The train split with the hard negatives {@code retrieval.negatives} asks for: those of the data, none, or
         * mined with the model as it is now (the starting weights: a session is opened before any training), each
         * pair's negative the best-ranked document that is not one of its query's answers nor the same text as its
         * answer. Deterministic, so a restarted run mines the same negatives.
         */
        private List<QueryPair> trainingPairs() {
            List<QueryPair> train = examples(Split.TRAIN);
            String mode = spec.config().taskSetting(TrainingParameters.RETRIEVAL_NEGATIVES);
            if (mode.equals("given")) {
                return train;
            }
            if (mode.equals("none")) {
                return train.stream().map(p -> new QueryPair(p.id(), p.query(), p.documentId(), p.document()))
                        .toList();
            }
            List<String> texts = train.stream().map(QueryPair::query).distinct().toList();
            float[][] queryVectors = SentenceEmbedder.embed(model, tokenizer,
                    texts.stream().map(q -> tokenizer.ids(start.queryPrefix() + q)).toList(), 32, manager);
            List<List<String>> ranked = SentenceEmbedder.rank(queryVectors, documentVectors(), documents,
                    RetrievalMetrics.CUTOFF);
            Map<String, List<String>> rankedByQuery = new HashMap<>();
            for (int i = 0; i < texts.size(); i++) {
                rankedByQuery.put(texts.get(i), ranked.get(i));
            }
            Map<String, String> textOf = new HashMap<>();
            documents.forEach(d -> textOf.put(d.id(), d.text()));
            List<QueryPair> mined = new ArrayList<>(train.size());
            for (QueryPair p : train) {
                Set<String> answers = answersByQuery.get(p.query());
                String negative = rankedByQuery.get(p.query()).stream()
                        .filter(id -> !answers.contains(id) && !textOf.get(id).equals(p.document()))
                        .findFirst().orElse(null);
                mined.add(negative == null ? new QueryPair(p.id(), p.query(), p.documentId(), p.document())
                        : new QueryPair(p.id(), p.query(), p.documentId(), p.document(), negative,
                                textOf.get(negative)));
            }
            return mined;
        }

        private float[][] documentVectors() {
            return SentenceEmbedder.embed(model, tokenizer, documents.stream().map(d -> tokenizer.ids(d.text()))
                    .toList(), 32, manager);
        }

        /**
         * The base model as it is (nothing trained: the run is opened on the starting weights), and BM25 on the same
         * test queries and documents.
         */
        @Override
        public Baseline baseline(Path workDir, BooleanSupplier stopRequested) {
            List<String> test = queries(Split.TEST);
            Bm25 bm25 = new Bm25(documents.stream().map(TextDocument::text).toList());
            List<List<String>> rankings = new ArrayList<>();
            for (String query : test) {
                List<String> ids = new ArrayList<>();
                for (int d : bm25.top(query, RetrievalMetrics.CUTOFF)) {
                    ids.add(documents.get(d).id());
                }
                rankings.add(ids);
            }
            RetrievalMetrics lexical = RetrievalMetrics.of(rankings, answers(test));
            float[][] vectors = documentVectors();
            return new Baseline("base", 0, 0, evaluate(Split.VALIDATION, vectors), evaluate(Split.TEST, vectors),
                    Map.of("BM25", lexical));
        }

        @Override
        public void loadWeights(Path weightsFile) throws IOException {
            model.load(SafeTensors.read(weightsFile).tensors());
        }

        /**
         * Each query of the split, after the base model's query prefix, ranked against every document of the dataset
         * version.
         */
        @Override
        public TaskMetrics evaluate(Split split) {
            return evaluate(split, documentVectors());
        }

        private TaskMetrics evaluate(Split split, float[][] documentVectors) {
            List<String> queries = queries(split);
            float[][] queryVectors = SentenceEmbedder.embed(model, tokenizer,
                    queries.stream().map(q -> tokenizer.ids(start.queryPrefix() + q)).toList(), 32, manager);
            return RetrievalMetrics.of(SentenceEmbedder.rank(queryVectors, documentVectors, documents,
                    RetrievalMetrics.CUTOFF), answers(queries));
        }

        /** The distinct queries of a split, in order: a query asked in several pairs is measured once. */
        private List<String> queries(Split split) {
            return examples(split).stream().map(QueryPair::query).distinct().toList();
        }

        /** Every answer each query has in the dataset version, whichever pair and split names it. */
        private List<Set<String>> answers(List<String> queries) {
            return queries.stream().map(answersByQuery::get).toList();
        }

        @Override
        public String export(Path dir, JsonObject provenance) throws IOException {
            ModelArtifact.save(dir, model, List.of(), start.tokenizerJson(), provenance, spec.config().maxLength(),
                    start.queryPrefix());
            return ModelArtifact.sha256(dir.resolve(ModelArtifact.WEIGHTS));
        }
    }
}
