package io.tuneledger.ml.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tuneledger.ml.QueryPair;
import io.tuneledger.ml.RetrievalMetrics;
import io.tuneledger.ml.TextDocument;
import io.tuneledger.ml.TrainingConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Retrieval's part of a training session: a bi-encoder (one BERT encoder for queries and documents, the base model's
 * pooling, vectors scaled to unit length) trained with the multiple-negatives ranking loss. For a batch of n pairs,
 * each query's scores are its cosine similarities, times {@code scale}, with the n documents of the batch and any
 * hard negatives; the loss is the cross-entropy of picking its own document. A document of the batch that is the same
 * as the query's own (two questions with one answer) is masked out rather than counted as a wrong answer. On
 * validation each query is ranked against every document of {@code corpus}: MRR@10 and the rest, and as the loss the
 * same cross-entropy over the whole corpus.
 */
public final class RetrievalObjective extends EncoderObjective {

    /** Additive score for masked documents: softmax gives them exactly zero weight. */
    private static final float MASKED = -1e9f;

    private final TextTokenizer tokenizer;
    private final float scale;
    private final List<QueryPair> train;
    private final List<QueryPair> validation;
    private final List<TextDocument> corpus;
    private final Map<String, long[]> documentIds = new HashMap<>();
    private final List<long[]> queryIds;
    private final List<long[]> validationQueryIds;
    private final List<long[]> corpusIds;

    /**
     * {@code corpus}: the documents validation ranks against; it must hold every validation pair's document.
     * {@code scale}: the inverse temperature of the loss (sentence-transformers' default is 20). {@code queryPrefix}
     * goes before every query, never before a document (the base model's instruction, if it has one).
     */
    public RetrievalObjective(BertClassifierModel model, TextTokenizer tokenizer, float scale, String queryPrefix,
            List<QueryPair> train, List<QueryPair> validation, List<TextDocument> corpus) {
        super(model);
        if (validation.isEmpty()) {
            throw new IllegalArgumentException("No validation examples");
        }
        if (!(scale > 0)) {
            throw new IllegalArgumentException("The scale must be positive, not " + scale);
        }
        Set<String> known = corpus.stream().map(TextDocument::id).collect(Collectors.toSet());
        for (QueryPair p : validation) {
            if (!known.contains(p.documentId())) {
                throw new IllegalArgumentException("Validation query " + p.id() + " answers document "
                        + p.documentId() + ", which is not in the corpus");
            }
        }
        this.tokenizer = tokenizer;
        this.scale = scale;
        this.train = List.copyOf(train);
        this.validation = List.copyOf(validation);
        this.corpus = List.copyOf(corpus);
        for (QueryPair p : train) {
            documentIds.computeIfAbsent(p.documentId(), id -> tokenizer.ids(p.document()));
            if (p.negativeId() != null) {
                documentIds.computeIfAbsent(p.negativeId(), id -> tokenizer.ids(p.negative()));
            }
        }
        this.queryIds = train.stream().map(p -> tokenizer.ids(queryPrefix + p.query())).toList();
        this.validationQueryIds = validation.stream().map(p -> tokenizer.ids(queryPrefix + p.query())).toList();
        this.corpusIds = corpus.stream().map(doc -> tokenizer.ids(doc.text())).toList();
    }

    /** The whole encoder trains; there is no head to train alone. */
    @Override
    public boolean trains(String parameter, TrainingConfig.TrainMode mode) {
        return mode == TrainingConfig.TrainMode.FULL;
    }

    @Override
    public int trainSize() {
        return train.size();
    }

    @Override
    public NDArray loss(NDManager scope, int[] indices, float dropout, long seed) {
        int n = indices.length;
        List<long[]> queries = new ArrayList<>(n);
        List<String> columns = new ArrayList<>();
        for (int i : indices) {
            queries.add(queryIds.get(i));
            columns.add(train.get(i).documentId());
        }
        for (int i : indices) {
            if (train.get(i).negativeId() != null) {
                columns.add(train.get(i).negativeId());
            }
        }
        List<long[]> documents = columns.stream().map(documentIds::get).toList();
        NDArray q = SentenceEmbedder.normalize(scope, model.embed(scope, tokenizer.pad(queries), true, dropout));
        NDArray d = SentenceEmbedder.normalize(scope, model.embed(scope, tokenizer.pad(documents), true, dropout));
        int m = columns.size();
        float[] mask = new float[n * m];
        int[] truth = new int[n];
        float[] weights = new float[n];
        for (int i = 0; i < n; i++) {
            truth[i] = i;
            weights[i] = 1f;
            String own = columns.get(i);
            for (int j = 0; j < m; j++) {
                if (j != i && own.equals(columns.get(j))) {
                    mask[i * m + j] = MASKED;
                }
            }
        }
        NDArray scores = q.matMul(d.transpose()).mul(scope.create(scale)).add(scope.create(mask, new Shape(n, m)));
        return ClassificationObjective.crossEntropy(scope, scores, truth, weights);
    }

    @Override
    public Validation validate(NDManager parent, int batchSize) {
        float[][] documents = SentenceEmbedder.embed(model, tokenizer, corpusIds, batchSize, parent);
        float[][] queries = SentenceEmbedder.embed(model, tokenizer, validationQueryIds, batchSize, parent);
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < corpus.size(); i++) {
            position.putIfAbsent(corpus.get(i).id(), i);
        }
        double loss = 0;
        for (int i = 0; i < queries.length; i++) {
            float[] s = SentenceEmbedder.scores(queries[i], documents);
            double max = Double.NEGATIVE_INFINITY;
            for (float v : s) {
                max = Math.max(max, scale * v);
            }
            double sum = 0;
            for (float v : s) {
                sum += Math.exp(scale * v - max);
            }
            loss -= scale * s[position.get(validation.get(i).documentId())] - max - Math.log(sum);
        }
        RetrievalMetrics metrics = RetrievalMetrics.of(
                SentenceEmbedder.rank(queries, documents, corpus, RetrievalMetrics.CUTOFF),
                validation.stream().map(p -> Set.of(p.documentId())).toList());
        return new Validation(metrics, loss / queries.length);
    }

    /** The scale, the training-set size and a hash of the training pairs' ids and documents. */
    @Override
    public String fingerprint() {
        int h = train.stream().map(p -> p.id() + "\u0000" + p.documentId() + "\u0000" + p.negativeId())
                .collect(Collectors.joining("\n")).hashCode();
        return "retrieval|" + scale + "|" + train.size() + "|" + Integer.toHexString(h);
    }

    @Override
    public String metricName() {
        return "validationMrrAt10";
    }
}
