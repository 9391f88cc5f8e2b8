package io.tuneledger.batch;

import io.tuneledger.config.ParameterValues;
import io.tuneledger.ml.ScoreEngine;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.api.partition.PartitionMapper;
import jakarta.batch.api.partition.PartitionPlan;
import jakarta.batch.api.partition.PartitionPlanImpl;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Map;
import java.util.Properties;

/**
 * Resolves the model and output of the run (pinned for restarts, see {@link ScoreRun}), then splits scoring into
 * {@code score.partitions} partitions: partition {@code i} of {@code n} scores the records whose number modulo
 * {@code n} is {@code i}, so every partition gets an even share whatever the input's order. The input's parameters
 * travel to the partitions in the plan, so the score step is the same in the score job and the pipeline, whose
 * parameters carry a prefix. The plan is the same on a restart ({@code partitionsOverride=false}), so each partition
 * resumes its own part file.
 */
@Named
@Dependent
public class ScorePartitionMapper implements PartitionMapper {

    @Inject
    @BatchProperty(name = "model.name")
    String modelName;

    @Inject
    @BatchProperty(name = "model.version")
    String modelVersion;

    @Inject
    @BatchProperty(name = "output.path")
    String outputPath;

    @Inject
    @BatchProperty(name = "input.path")
    String inputPath;

    @Inject
    @BatchProperty(name = "input.format")
    String inputFormat;

    @Inject
    @BatchProperty(name = "id.field")
    String idField;

    @Inject
    @BatchProperty(name = "text.field")
    String textField;

    @Inject
    @BatchProperty(name = "score.partitions")
    String partitions;

    @Inject
    @BatchProperty(name = "score.engine")
    String engine;

    @Inject
    @BatchProperty(name = "score.bucketing")
    String bucketing;

    @Inject
    @BatchProperty(name = "quantize.max.drop")
    String maxDrop;

    @Inject
    ScoreRun run;

    @Override
    public PartitionPlan mapPartitions() throws Exception {
        run.pin(modelName, JobParameters.MODEL_VERSION.parse(modelVersion), outputPath,
                ScoreEngine.byId(JobParameters.SCORE_ENGINE.parse(engine)).orElseThrow(),
                JobParameters.SCORE_BUCKETING.parse(bucketing), JobParameters.QUANTIZE_MAX_DROP.parse(maxDrop));
        int n = JobParameters.SCORE_PARTITIONS.parse(partitions);
        Map<String, String> input = Map.of(
                JobParameters.SCORE_INPUT.name(), inputPath,
                JobParameters.SCORE_FORMAT.name(), inputFormat == null ? "" : inputFormat,
                JobParameters.SCORE_ID_FIELD.name(), JobParameters.SCORE_ID_FIELD.parse(idField),
                JobParameters.SCORE_TEXT_FIELD.name(), JobParameters.SCORE_TEXT_FIELD.parse(textField));
        PartitionPlanImpl plan = new PartitionPlanImpl();
        plan.setPartitions(n);
        plan.setThreads(n);
        plan.setPartitionsOverride(false);
        Properties[] props = new Properties[n];
        for (int i = 0; i < n; i++) {
            props[i] = ParameterValues.of(input).toProperties();
            props[i].setProperty("partition.index", Integer.toString(i));
            props[i].setProperty("partition.count", Integer.toString(n));
        }
        plan.setPartitionProperties(props);
        return plan;
    }
}
