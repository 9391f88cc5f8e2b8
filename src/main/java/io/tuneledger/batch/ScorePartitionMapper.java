package io.tuneledger.batch;

import jakarta.batch.api.BatchProperty;
import jakarta.batch.api.partition.PartitionMapper;
import jakarta.batch.api.partition.PartitionPlan;
import jakarta.batch.api.partition.PartitionPlanImpl;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Properties;

/**
 * Resolves the model and output of the run (pinned for restarts, see {@link ScoreRun}), then splits scoring into
 * {@code score.partitions} partitions: partition {@code i} of {@code n} scores the records whose
 * number modulo {@code n} is {@code i}, so every partition gets an even share whatever the input's order. The plan is
 * the same on a restart ({@code partitionsOverride=false}), so each partition resumes its own part file.
 */
@Named
@Dependent
public class ScorePartitionMapper implements PartitionMapper {

    @Inject
    @BatchProperty(name = "score.partitions")
    String partitions;

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
    ScoreRun run;

    @Override
    public PartitionPlan mapPartitions() throws Exception {
        run.pin(modelName, modelVersion, outputPath);
        int n = Integer.parseInt(partitions);
        PartitionPlanImpl plan = new PartitionPlanImpl();
        plan.setPartitions(n);
        plan.setThreads(n);
        plan.setPartitionsOverride(false);
        Properties[] props = new Properties[n];
        for (int i = 0; i < n; i++) {
            props[i] = new Properties();
            props[i].setProperty("partition.index", Integer.toString(i));
            props[i].setProperty("partition.count", Integer.toString(n));
        }
        plan.setPartitionProperties(props);
        return plan;
    }
}
