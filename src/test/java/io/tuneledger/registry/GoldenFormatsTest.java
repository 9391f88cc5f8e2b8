package io.tuneledger.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.audit.report.ModelCard;
import io.tuneledger.data.DatasetManifest;
import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.Evaluation;
import io.tuneledger.ml.GateDecision;
import io.tuneledger.ml.TaskType;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Records written by the previous version (0.1, before datasets and models recorded their task): a dataset manifest,
 * a model version's registry details and its provenance.json, kept from a real run. They must still read, as
 * classification, with the same figures.
 */
class GoldenFormatsTest {

    private static final Path DIR = Path.of("src", "test", "resources", "golden", "v0.1");

    private static JsonObject json(String file) throws Exception {
        return Json.createReader(new StringReader(Files.readString(DIR.resolve(file)))).readObject();
    }

    @Test
    void anEarlierManifestReadsAsAClassificationDataset() throws Exception {
        JsonObject earlier = json("dataset-manifest.json");
        DatasetManifest m = DatasetManifest.fromJson(earlier);
        assertEquals("classification", m.task());
        assertEquals(earlier.getString("contentSha256"), m.contentSha256());
        assertEquals(earlier.getJsonObject("counts").getInt("records"), m.statistics().counts().records());
        JsonObject again = m.toJson();
        for (String key : earlier.keySet()) {
            assertEquals(earlier.get(key), again.get(key), key + " reads back as written");
        }
    }

    @Test
    void anEarlierModelVersionReadsWithItsEvaluationGateAndCard() throws Exception {
        String details = Files.readString(DIR.resolve("model-details.json"));
        ModelVersion v = new ModelVersion("pipeline-it", 1, "all-minilm-l6-v2", "0".repeat(64), "pipeline-it", 1,
                "1".repeat(64), ModelVersion.Status.CANDIDATE, 0.8917935894521483, "2".repeat(64), "/models/x",
                24, 26, Instant.parse("2026-12-02T14:47:58Z"), details);
        ModelDetails d = ModelDetails.of(v);
        assertEquals(TaskType.CLASSIFICATION, d.task());
        assertEquals(0.8917935894521483, d.evaluation().test().primary());
        assertEquals(GateDecision.Outcome.NO_GATE, d.gate().decision());
        assertEquals(35, d.evaluation().training().steps());
        assertEquals("validationMacroF1", d.evaluation().training().curves().metricName());
        assertEquals(d.evaluation().training().steps(), d.evaluation().training().curves().loss().size());
        JsonObject card = ModelCard.of(v, d, DatasetManifest.fromJson(json("dataset-manifest.json")));
        assertTrue(card.getString("intendedUse").contains("ham, spam"), card::toString);
        assertEquals(2, card.getJsonObject("evaluation").getJsonArray("confusion").size());

        JsonObject provenance = json("model-provenance.json");
        Evaluation evaluation = Evaluation.fromJson(provenance.getJsonObject("evaluation"), TaskType.CLASSIFICATION
                ::metrics);
        assertEquals(d.evaluation().test().primary(), evaluation.test().primary());
        assertEquals(ClassificationMetrics.class, evaluation.baseline().test().getClass());
        assertEquals(provenance.getJsonObject("gate"), GateDecision.fromJson(provenance.getJsonObject("gate"))
                .toJson());
    }
}
