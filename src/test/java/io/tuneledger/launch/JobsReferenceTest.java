package io.tuneledger.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tuneledger.config.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/jobs.md's parameter tables are generated from the job catalogue, so the reference cannot drift from what the
 * launcher accepts. With {@code -Dtuneledger.docs.write=true} the test rewrites them instead of failing.
 */
class JobsReferenceTest {

    private static final Path DOC = Path.of("docs", "jobs.md");
    private static final Pattern BLOCK = Pattern.compile("(<!-- parameters of ([a-z-]+):[^\\n]*-->\\n)(.*?)"
            + "(<!-- end of parameters -->)", Pattern.DOTALL);

    static final List<JobDefinition> JOBS = List.of(new PrepareDatasetJob(), new FineTuneJob(), new ScoreJob(),
            new PipelineJob(), new RetentionJob(), new SearchJob(), new CrossValidateJob(), new TuneJob(), new AdaptJob(), new DistillJob());

    /** The parameter table of a job, in the order its form shows them. */
    static String table(JobDefinition job) {
        StringBuilder b = new StringBuilder("| parameter | default | a restart may change it | meaning |\n"
                + "|---|---|---|---|\n");
        for (Parameter<?> p : job.parameters()) {
            b.append("| `").append(p.name()).append("` | ")
                    .append(p.isRequired() ? "required" : p.defaultValue() == null ? "" : "`" + p.defaultValue() + "`")
                    .append(" | ").append(p.isRestartable() ? "yes" : "").append(" | ")
                    .append(p.description().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }

    @Test
    void theParameterTablesOfDocsJobsMdAreTheCatalogues() throws Exception {
        String doc = Files.readString(DOC);
        Matcher m = BLOCK.matcher(doc);
        StringBuilder rewritten = new StringBuilder();
        int found = 0;
        while (m.find()) {
            String name = m.group(2);
            JobDefinition job = JOBS.stream().filter(j -> j.jobName().equals(name)).findFirst().orElseThrow();
            m.appendReplacement(rewritten, Matcher.quoteReplacement(m.group(1) + table(job) + m.group(4)));
            found++;
        }
        m.appendTail(rewritten);
        assertEquals(JOBS.size(), found, "one generated table per job in " + DOC);
        if (Boolean.getBoolean("tuneledger.docs.write")) {
            Files.writeString(DOC, rewritten.toString());
        }
        assertEquals(rewritten.toString(), Files.readString(DOC), DOC + " is out of date: run mvn test"
                + " -Dtest=JobsReferenceTest -Dtuneledger.docs.write=true");
    }
}
