package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.EngineReport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ML stack outside the server: PyTorch from its Maven jars, offline, and a base model's tokenizer. */
class EngineDiagnosticsTest {

    @Test
    void englishTokenizerAndEngineWork() throws Exception {
        EngineReport report = EngineDiagnostics.run(BaseModel.ALL_MINILM_L6_V2, "Fine-tuning, offline.");
        assertEquals("PyTorch", report.engine());
        assertEquals(List.of("[CLS]", "fine", "-", "tuning", ",", "off", "##line", ".", "[SEP]"), report.tokens());
        assertEquals(54f, report.ndarrayResult());
    }
}
