package io.tuneledger.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.data.DataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the score job may read and write: the input under a data root, the output under outbox/ or a data root. */
class ScoreParametersTest {

    @TempDir
    Path home;

    DataStore store;

    @BeforeEach
    void store() throws Exception {
        Files.createDirectories(home.resolve("inbox"));
        Files.writeString(home.resolve("inbox").resolve("mails.jsonl"), "{\"id\":\"1\",\"text\":\"hi\"}\n");
        Files.writeString(home.resolve("inbox").resolve("mails.txt"), "x\n");
        store = new DataStore(home, List.of(home.resolve("inbox")));
    }

    private List<ParameterError> check(String prefix, String... pairs) {
        Map<String, String> p = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            p.put(pairs[i], pairs[i + 1]);
        }
        List<ParameterError> errors = new ArrayList<>();
        ScoreJob.prepareFiles(p, prefix, store, errors);
        if (errors.isEmpty()) {
            lastParameters = p;
        }
        return errors;
    }

    Map<String, String> lastParameters;

    @Test
    void aRelativeOutputGoesUnderTheOutboxAndTheFormatComesFromTheExtension() {
        assertEquals(List.of(), check("", "input.path", "mails.jsonl", "output.path", "today/predictions.jsonl"));
        assertEquals(home.resolve("outbox").resolve("today").resolve("predictions.jsonl").toAbsolutePath().toString(),
                lastParameters.get("output.path"));
        assertEquals("jsonl", lastParameters.get("input.format"));
        assertEquals(List.of(), check("score.", "score.input.path", "mails.jsonl", "score.output.path",
                home.resolve("inbox").resolve("p.jsonl").toString()));
    }

    @Test
    void outputsOutsideTheOutboxAndDataRootsAreRefusedNamingTheParameter() {
        for (String bad : List.of("/etc/predictions.jsonl", "../escape.jsonl", "predictions.csv", ".")) {
            List<ParameterError> errors = check("score.", "score.input.path", "mails.jsonl", "score.output.path", bad);
            assertEquals(1, errors.size(), bad + ": " + errors);
            assertEquals("score.output.path", errors.get(0).parameter());
        }
    }

    @Test
    void aMissingInputOrAnUnknownExtensionIsNamed() {
        List<ParameterError> missing = check("", "input.path", "nothing.jsonl");
        assertEquals("input.path", missing.get(0).parameter());
        List<ParameterError> format = check("", "input.path", "mails.txt");
        assertEquals("input.format", format.get(0).parameter());
        assertTrue(format.get(0).message().contains("jsonl or csv"), format.get(0).message());
    }
}
