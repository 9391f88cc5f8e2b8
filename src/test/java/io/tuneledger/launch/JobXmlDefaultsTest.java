package io.tuneledger.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.config.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Parameters are written once: a job's XML names only parameters its definition declares and holds no defaults of
 * its own (the launcher completes every parameter from the catalogue before the job starts), and the pipeline
 * inherits the other jobs' steps instead of repeating them.
 */
class JobXmlDefaultsTest {

    private static final Pattern PARAM = Pattern.compile("#\\{jobParameters\\['([^']+)'\\]\\}(\\?:[^;]*;)?");

    @Test
    void prepareDatasetXmlNamesOnlyItsParametersAndNoDefaults() throws Exception {
        check(new PrepareDatasetJob());
    }

    @Test
    void fineTuneXmlNamesOnlyItsParametersAndNoDefaults() throws Exception {
        check(new FineTuneJob());
    }

    @Test
    void scoreXmlNamesOnlyItsParametersAndNoDefaults() throws Exception {
        check(new ScoreJob());
    }

    @Test
    void pipelineXmlNamesOnlyItsParametersAndNoDefaults() throws Exception {
        check(new PipelineJob());
    }

    @Test
    void searchXmlNamesOnlyItsParametersAndNoDefaults() throws Exception {
        check(new SearchJob());
    }

    @Test
    void retentionXmlNamesOnlyItsParametersAndNoDefaults() throws Exception {
        check(new RetentionJob());
    }

    @Test
    void thePipelineInheritsEveryStepOfTheThreeJobsAndDefinesNoArtifactOfItsOwn() throws Exception {
        String pipeline = Files.readString(Path.of("batch-jobs", "pipeline.xml"));
        List<String> inherited = new ArrayList<>();
        Matcher m = Pattern.compile("<step id=\"([^\"]+)\" parent=\"([^\"]+)\" jsl-name=\"([^\"]+)\"")
                .matcher(pipeline);
        while (m.find()) {
            assertEquals(m.group(1), m.group(2), "a pipeline step inherits the step of the same name");
            inherited.add(m.group(3) + ":" + m.group(1));
        }
        List<String> expected = new ArrayList<>();
        for (String job : List.of("prepare-dataset", "fine-tune", "score")) {
            Matcher steps = Pattern.compile("<step id=\"([^\"]+)\"").matcher(
                    Files.readString(Path.of("batch-jobs", job + ".xml")));
            while (steps.find()) {
                expected.add(job + ":" + steps.group(1));
            }
        }
        assertEquals(expected, inherited);
        assertFalse(pipeline.contains("<chunk") || pipeline.contains("<batchlet") || pipeline.contains("<reader"),
                "the pipeline defines no chunk or batchlet of its own");
    }

    private static void check(JobDefinition definition) throws Exception {
        String xml = Files.readString(Path.of("batch-jobs", definition.jobName() + ".xml"));
        Set<String> declared = definition.parameters().stream().map(Parameter::name).collect(Collectors.toSet());
        Matcher m = PARAM.matcher(xml);
        int references = 0;
        while (m.find()) {
            references++;
            assertTrue(declared.contains(m.group(1)), "the job XML uses an undeclared parameter " + m.group(1));
            assertEquals(null, m.group(2), "the job XML repeats a default for " + m.group(1));
        }
        assertTrue(references > 0, "the job reads its parameters through its XML");
    }
}
