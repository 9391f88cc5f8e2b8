package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.Bm25;
import io.tuneledger.ml.QueryPair;
import io.tuneledger.ml.RetrievalMetrics;
import io.tuneledger.ml.TextDocument;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.weights.OnnxBertImporter;
import io.tuneledger.ml.weights.Tensor;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retrieval training (multiple-negatives ranking loss on a bi-encoder) on the same training session as
 * classification: exact resume on a tiny random encoder; and on the bundled Chinese manual-page questions, each
 * held-out question ranked against every page, two short epochs (16 pairs a batch, 64 tokens) of bge-small-zh-v1.5,
 * with its query prefix, rank the answers better than the base model by at least 0.04 in MRR@10 (figures measured:
 * docs/model-core.md). The English case (all-MiniLM-L6-v2 past the base model and BM25) is RetrievalIT's, through the
 * jobs. Saved in the
 * sentence-transformers layout and loaded back, each encoder gives the same vectors and keeps its query prefix.
 */
class RetrievalTrainingTest {

    @TempDir
    Path dir;

    /**
     * The loss of a batch is the cross-entropy of each query picking its own document among the batch's documents,
     * from the cosine similarities times the scale, computed here by hand from the model's own vectors; a second
     * query with the same answer document does not count that document as a wrong answer for the first.
     */
    @Test
    void theLossIsTheCrossEntropyOfTheScaledCosinesWithSharedAnswersMasked() throws Exception {
        List<QueryPair> pairs = List.of(
                new QueryPair("q0", "copy files", "d0", "cp copies files and directories"),
                new QueryPair("q1", "duplicate a file", "d0", "cp copies files and directories"),
                new QueryPair("q2", "list a directory", "d1", "ls lists directory contents"));
        List<TextDocument> corpus = List.of(new TextDocument("d0", pairs.get(0).document()),
                new TextDocument("d1", pairs.get(2).document()));
        float scale = 20f;
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                InputStream in = BaseModel.ALL_MINILM_L6_V2.openTokenizer();
                TextTokenizer tokenizer = TextTokenizer.load(in, 16);
                BertClassifierModel model = BertClassifierModel.encoderOnly(manager, FineTunerResumeTest.TINY,
                        FineTunerResumeTest.randomEncoder(5))) {
            RetrievalObjective objective = new RetrievalObjective(model, tokenizer, scale, "", pairs, pairs, corpus);
            float loss;
            try (NDManager scope = manager.newSubManager()) {
                loss = objective.loss(scope, new int[] {0, 1, 2}, 0f, 0).getFloat();
            }
            float[][] q = SentenceEmbedder.embed(model, tokenizer,
                    pairs.stream().map(p -> tokenizer.ids(p.query())).toList(), 8, manager);
            float[][] d = SentenceEmbedder.embed(model, tokenizer,
                    pairs.stream().map(p -> tokenizer.ids(p.document())).toList(), 8, manager);
            // columns: the batch's documents d0 (q0's), d0 (q1's), d1; q0 and q1 each see the other's copy masked
            boolean[][] masked = {{false, true, false}, {true, false, false}, {false, false, false}};
            double expected = 0;
            for (int i = 0; i < 3; i++) {
                double[] logits = new double[3];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < 3; j++) {
                    logits[j] = masked[i][j] ? Double.NEGATIVE_INFINITY : scale * SentenceEmbedder.scores(q[i],
                            new float[][] {d[j]})[0];
                    max = Math.max(max, logits[j]);
                }
                double sum = 0;
                for (double l : logits) {
                    sum += Math.exp(l - max);
                }
                expected -= logits[i] - max - Math.log(sum);
            }
            expected /= 3;
            assertEquals(expected, loss, 1e-4, "mean cross-entropy over the three queries");
        }
    }

    @Test
    void aRetrievalRunInterruptedAndResumedEndsWithIdenticalWeights() throws Exception {
        List<QueryPair> pairs = new ArrayList<>();
        Random random = new Random(3);
        String[] words = {"copy", "move", "delete", "list", "print", "sort", "count", "compare", "archive", "search"};
        for (int i = 0; i < 40; i++) {
            String w = words[i % words.length];
            pairs.add(new QueryPair("q" + i, "how to " + w + " " + words[random.nextInt(words.length)],
                    "d" + (i % 20), w + " files: the tool that can " + w + " things", i % 4 == 0 ? "d" + (i % 20 + 1)
                    : null, i % 4 == 0 ? words[(i + 1) % words.length] + " other files" : null));
        }
        List<TextDocument> corpus = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            corpus.add(new TextDocument("d" + i, pairs.get(i).document()));
        }
        TrainingConfig config = TrainingConfig.builder().optEpochs(2).optBatchSize(8).optLearningRate(1e-3f)
                .optMaxLength(16).optCheckpointEverySteps(3).build();
        Map<String, Tensor> a = tinyRun(config, pairs, corpus, dir.resolve("a"), -1);
        assertThrows(IllegalStateException.class, () -> tinyRun(config, pairs, corpus, dir.resolve("b"), 7));
        Map<String, Tensor> b = tinyRun(config, pairs, corpus, dir.resolve("b"), -1);
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).data(), b.get(name).data(), 0f, name);
        }
    }

    private Map<String, Tensor> tinyRun(TrainingConfig config, List<QueryPair> pairs, List<TextDocument> corpus,
            Path checkpoints, int failAtStep) throws Exception {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                InputStream in = BaseModel.ALL_MINILM_L6_V2.openTokenizer();
                TextTokenizer tokenizer = TextTokenizer.load(in, config.maxLength());
                BertClassifierModel model = BertClassifierModel.encoderOnly(manager, FineTunerResumeTest.TINY,
                        FineTunerResumeTest.randomEncoder(1))) {
            RetrievalObjective objective = new RetrievalObjective(model, tokenizer, 20f, "", pairs.subList(0, 32),
                    pairs.subList(32, 40), corpus);
            try (DjlTrainingSession session = new DjlTrainingSession(config, objective, checkpoints)) {
                FineTuner.Result result = new FineTuner(config, List.of(), checkpoints).run(session, objective,
                        new FineTuner.Listener() {
                            @Override
                            public void onStep(io.tuneledger.ml.StepOutcome outcome) {
                                if (outcome.step() == failAtStep) {
                                    throw new IllegalStateException("simulated crash at step " + failAtStep);
                                }
                            }
                        }, () -> false);
                assertEquals(8, result.steps(), "32 pairs in batches of 8, two epochs");
                assertTrue(Double.isFinite(result.losses().get(result.losses().size() - 1)));
            }
            return model.toTensors();
        }
    }

    /** The held-out figures of one fine-tuning run on a bundled manual-page sample. */
    private record Figures(RetrievalMetrics bm25, RetrievalMetrics before, RetrievalMetrics after) {
    }

    /**
     * Shuffles the sample's pairs (seed 11), holds out {@code testCount} questions and {@code validationCount} for
     * validation, trains on the rest, and ranks the held-out questions against every page before and after; the
     * trained encoder is saved in the sentence-transformers layout into {@code artifact}, and loaded back it gives
     * the same vectors.
     */
    private Figures fineTune(BaseModel base, String sample, int testCount, int validationCount, TrainingConfig config,
            Path artifact) throws Exception {
        List<QueryPair> all = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("samples", sample))) {
            try (JsonReader r = Json.createReader(new StringReader(line))) {
                JsonObject o = r.readObject();
                all.add(new QueryPair(o.getString("id"), o.getString("query"), o.getString("doc"),
                        o.getString("positive")));
            }
        }
        Collections.shuffle(all, new Random(11));
        List<QueryPair> test = all.subList(0, testCount);
        List<QueryPair> validation = all.subList(testCount, testCount + validationCount);
        List<QueryPair> train = all.subList(testCount + validationCount, all.size());
        List<TextDocument> corpus = all.stream().map(p -> new TextDocument(p.documentId(), p.document())).toList();
        List<Set<String>> answers = test.stream().map(p -> Set.of(p.documentId())).toList();

        Bm25 bm25 = new Bm25(corpus.stream().map(TextDocument::text).toList());
        RetrievalMetrics lexical = RetrievalMetrics.of(test.stream().map(p -> {
            List<String> ids = new ArrayList<>();
            for (int d : bm25.top(p.query(), RetrievalMetrics.CUTOFF)) {
                ids.add(corpus.get(d).id());
            }
            return ids;
        }).toList(), answers);

        Map<String, Tensor> encoder;
        try (InputStream in = base.openOnnx()) {
            encoder = OnnxBertImporter.importEncoder(ByteBuffer.wrap(in.readAllBytes()), base.config(), base.id());
        }
        String prefix = base.queryPrefix();
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                InputStream in = base.openTokenizer();
                TextTokenizer tokenizer = TextTokenizer.load(in, config.maxLength());
                BertClassifierModel model = BertClassifierModel.encoderOnly(manager, base.config(), encoder)) {
            RetrievalMetrics before = metrics(model, tokenizer, prefix, test, corpus, answers, manager);
            RetrievalObjective objective = new RetrievalObjective(model, tokenizer, 20f, prefix, train, validation,
                    corpus);
            try (DjlTrainingSession session = new DjlTrainingSession(config, objective, dir.resolve("run"))) {
                new FineTuner(config, List.of(), dir.resolve("run")).run(session, objective,
                        new FineTuner.Listener() { }, () -> false);
            }
            RetrievalMetrics after = metrics(model, tokenizer, prefix, test, corpus, answers, manager);
            System.out.printf("%s on %d held-out questions of %s against %d pages:%n  BM25        %s%n"
                    + "  base model  %s%n  fine-tuned  %s%n", base.id(), testCount, sample, corpus.size(),
                    lexical.describe(), before.describe(), after.describe());

            byte[] tokenizerJson;
            try (InputStream t = base.openTokenizer()) {
                tokenizerJson = t.readAllBytes();
            }
            ModelArtifact.save(artifact, model, List.of(), tokenizerJson, Json.createObjectBuilder().build(),
                    config.maxLength(), prefix);
            List<long[]> queryIds = test.stream().map(p -> tokenizer.ids(prefix + p.query())).toList();
            float[][] vectors = SentenceEmbedder.embed(model, tokenizer, queryIds, 32, manager);
            ModelArtifact.Loaded loaded = ModelArtifact.load(artifact);
            assertEquals(prefix, loaded.queryPrefix());
            try (BertClassifierModel again = BertClassifierModel.encoderOnly(manager, loaded.config(),
                    loaded.encoder())) {
                float[][] reloaded = SentenceEmbedder.embed(again, tokenizer, queryIds, 32, manager);
                for (int i = 0; i < vectors.length; i++) {
                    assertArrayEquals(vectors[i], reloaded[i], 0f, "vector of test question " + i);
                }
            }
            return new Figures(lexical, before, after);
        }
    }

    @Test
    void chineseManualPageQuestionsWithBgeSmallZh() throws Exception {
        Figures f = fineTune(BaseModel.BGE_SMALL_ZH_V15, "manpages-qa-zh.jsonl", 60, 20, TrainingConfig.builder()
                .optEpochs(2).optBatchSize(16).optLearningRate(1e-4f).optMaxLength(64).build(), dir.resolve("zh"));
        assertTrue(f.after().mrrAt10() >= f.before().mrrAt10() + 0.04, "MRR@10 after " + f.after().mrrAt10()
                + " should beat the base model's " + f.before().mrrAt10() + " by 0.04");
    }

    private static RetrievalMetrics metrics(BertClassifierModel model, TextTokenizer tokenizer, String prefix,
            List<QueryPair> queries, List<TextDocument> corpus, List<Set<String>> answers, NDManager manager) {
        float[][] documents = SentenceEmbedder.embed(model, tokenizer,
                corpus.stream().map(d -> tokenizer.ids(d.text())).toList(), 32, manager);
        float[][] vectors = SentenceEmbedder.embed(model, tokenizer,
                queries.stream().map(p -> tokenizer.ids(prefix + p.query())).toList(), 32, manager);
        return RetrievalMetrics.of(SentenceEmbedder.rank(vectors, documents, corpus, RetrievalMetrics.CUTOFF),
                answers);
    }
}
