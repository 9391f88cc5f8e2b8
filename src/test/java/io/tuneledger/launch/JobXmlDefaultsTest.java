package io.tuneledger.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The defaults written in a job's XML must be the defaults the launcher fills in, and name only real parameters. */
class JobXmlDefaultsTest {

    private static final Pattern PARAM = Pattern.compile("#\\{jobParameters\\['([^']+)'\\]\\}(\\?:([^;]*);)?");

    @Test
    void prepareDatasetXmlAgreesWithItsDefinition() throws Exception {
        check(new PrepareDatasetJob());
    }

    @Test
    void scoreXmlAgreesWithItsDefinition() throws Exception {
        check(new ScoreJob());
    }

    @Test
    void pipelineXmlAgreesWithItsDefinition() throws Exception {
        PipelineJob pipeline = new PipelineJob();
        pipeline.prepareDataset = new PrepareDatasetJob();
        check(pipeline);
    }

    @Test
    void retentionXmlAgreesWithItsDefinition() throws Exception {
        check(new RetentionJob());
    }

    private static void check(JobDefinition definition) throws Exception {
        String xml = Files.readString(Path.of("batch-jobs", definition.jobName() + ".xml"));
        Map<String, ParameterSpec> specs = definition.parameters().stream()
                .collect(Collectors.toMap(ParameterSpec::name, p -> p));
        Map<String, String> xmlDefaults = new HashMap<>();
        Matcher m = PARAM.matcher(xml);
        while (m.find()) {
            String name = m.group(1);
            assertTrue(specs.containsKey(name), "the job XML uses an undeclared parameter " + name);
            if (m.group(3) != null) {
                xmlDefaults.put(name, m.group(3));
            }
        }
        assertFalse(xmlDefaults.isEmpty());
        xmlDefaults.forEach((name, value) -> assertEquals(specs.get(name).defaultValue(), value,
                "default of " + name + " in the XML"));
    }
}
