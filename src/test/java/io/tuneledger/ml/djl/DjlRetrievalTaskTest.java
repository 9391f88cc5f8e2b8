package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.Baseline;
import io.tuneledger.ml.Evaluation;
import io.tuneledger.ml.RetrievalMetrics;
import io.tuneledger.ml.RunSpec;
import io.tuneledger.ml.Split;
import io.tuneledger.ml.StartingPoint;
import io.tuneledger.ml.TaskRun;
import io.tuneledger.ml.TaskType;
import io.tuneledger.ml.TrainingConfig;
import io.tuneledger.ml.TrainingSession;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retrieval task through the task seam, as the fine-tune job's steps use it, on a dataset version in the
 * retrieval layout (pairs in the split files, every document in documents.jsonl) made from the bundled manual-page
 * questions: a session trains, the baseline is the base model as it is with BM25 beside it, the figures rank each
 * query against every document, and the export is a sentence-transformers directory.
 */
class DjlRetrievalTaskTest {

    @TempDir
    Path dir;

    @Test
    void aRetrievalRunTrainsComparesEvaluatesAndExportsThroughTheSeam() throws Exception {
        Path dataset = Files.createDirectories(dir.resolve("dataset"));
        List<String> lines = Files.readAllLines(Path.of("samples", "manpages-qa-en.jsonl"));
        List<String> documents = new ArrayList<>();
        List<List<String>> splits = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < lines.size(); i++) {
            JsonObject o;
            try (JsonReader r = Json.createReader(new StringReader(lines.get(i)))) {
                o = r.readObject();
            }
            documents.add(Json.createObjectBuilder().add("id", o.getString("doc")).add("text", o.getString("positive"))
                    .build().toString());
            if (i < 80) {
                splits.get(i < 48 ? 0 : i < 64 ? 1 : 2).add(Json.createObjectBuilder().add("id", o.getString("id"))
                        .add("query", o.getString("query")).add("doc", o.getString("doc"))
                        .add("positive", o.getString("positive")).build().toString());
            }
        }
        Files.write(dataset.resolve(DjlRetrievalTask.DOCUMENTS), documents);
        for (Split split : Split.values()) {
            Files.write(dataset.resolve(split.fileName()), splits.get(split.ordinal()));
        }
        TrainingConfig config = TrainingConfig.builder().optEpochs(1).optBatchSize(16).optLearningRate(1e-4f)
                .optMaxLength(32).optCheckpointEverySteps(2).build();
        DjlRetrievalTask task = new DjlRetrievalTask();
        assertEquals(TaskType.RETRIEVAL, task.type());
        assertEquals("gate.min.mrr", task.gateParameter().name());
        assertThrows(IllegalStateException.class, () -> task.predictor(dir));

        RunSpec spec = new RunSpec(dataset, "manpages@test", StartingPoint.of(BaseModel.ALL_MINILM_L6_V2), config);
        Path weights;
        io.tuneledger.ml.TrainingCurves curves;
        try (TaskRun run = task.open(spec)) {
            assertEquals(List.of(), run.labels());
            assertEquals(48, run.size(Split.TRAIN));
            try (TrainingSession session = run.newSession(dir.resolve("train"))) {
                assertEquals(3, session.totalSteps(), "48 pairs in batches of 16");
                while (!session.finished()) {
                    session.step();
                }
                session.save(dir.resolve("state.safetensors"));
                weights = session.bestWeights();
                curves = session.curves();
                assertEquals(1, curves.validationMetric().size());
                assertEquals("validationMrrAt10", curves.metricName());
            }
        }
        try (TaskRun run = task.open(spec)) {
            Baseline baseline = run.baseline(dir.resolve("baseline"), () -> false);
            assertEquals("base model", baseline.describeMode());
            assertEquals(0, baseline.steps());
            RetrievalMetrics base = (RetrievalMetrics) baseline.test();
            RetrievalMetrics bm25 = (RetrievalMetrics) baseline.alsoCompared().get("BM25");
            assertEquals(16, base.queries());
            assertEquals(16, bm25.queries());
            assertTrue(base.mrrAt10() > 0.3, "the base model already finds answers among 390 pages: " + base);

            run.loadWeights(weights);
            RetrievalMetrics test = (RetrievalMetrics) run.evaluate(Split.TEST);
            Evaluation evaluation = new Evaluation(test, run.evaluate(Split.VALIDATION), baseline,
                    new io.tuneledger.ml.TrainingRecord(3, 1, weights.toString(), false, curves, "state"));
            Evaluation read = Evaluation.fromJson(evaluation.toJson(), TaskType.RETRIEVAL::metrics);
            assertEquals(bm25, read.baseline().alsoCompared().get("BM25"), "BM25's figures survive the JSON");
            assertEquals(test, read.test());

            String sha = run.export(dir.resolve("model"), Json.createObjectBuilder().add("task", "retrieval").build());
            assertEquals(ModelArtifact.sha256(dir.resolve("model").resolve(ModelArtifact.WEIGHTS)), sha);
            assertTrue(Files.exists(dir.resolve("model").resolve(ModelArtifact.MODULES)));
        }
    }
}
