package io.tuneledger.batch;

import io.tuneledger.ml.StudyPlan;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.api.partition.PartitionMapper;
import jakarta.batch.api.partition.PartitionPlan;
import jakarta.batch.api.partition.PartitionPlanImpl;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.List;
import java.util.Properties;

/**
 * One partition per unit of the study's plan (a fold, a trial, or a trial on a fold), in plan order, {@code parallel}
 * at a time on this server ({@link PartitionSlots}). A partition is handed only its unit's id: its data, configuration and outputs are in the run directory,
 * so it needs nothing from the JVM that planned it. The plan is the same on a restart ({@code
 * partitionsOverride=false}): partitions that completed are not run again, the others resume from their checkpoints.
 */
@Named
@Dependent
public class StudyPartitionMapper implements PartitionMapper {

    @Inject
    @BatchProperty(name = "parallel")
    String parallel;

    /** 0: every unit (the first rung only, in a halving search); 1: the halving search's survivors, to the end. */
    @Inject
    @BatchProperty(name = "rung")
    String rung;

    @Inject
    FineTuneRun run;

    @Override
    public PartitionPlan mapPartitions() throws Exception {
        StudyPlan study = run.study();
        boolean onwards = "1".equals(rung == null ? null : rung.strip());
        List<StudyPlan.Unit> units = study.units();
        if (onwards) {
            List<Integer> kept = run.survivors(study);
            units = units.stream().filter(u -> kept.contains(u.trial())).toList();
        }
        PartitionPlanImpl plan = new PartitionPlanImpl();
        plan.setPartitions(units.size());
        // Every partition goes to the runtime at once, so that the job repository records each (see PartitionSlots);
        // at most `parallel` of them train at a time.
        plan.setThreads(units.size());
        plan.setPartitionsOverride(false);
        Properties[] props = new Properties[units.size()];
        for (int i = 0; i < units.size(); i++) {
            props[i] = new Properties();
            props[i].setProperty("unit", units.get(i).id());
            props[i].setProperty("unit.slots", Integer.toString(Math.max(1, Integer.parseInt(parallel.strip()))));
            props[i].setProperty("unit.epochs", study.halving() && !onwards
                    ? Integer.toString(StudyPlan.FIRST_RUNG_EPOCHS) : "");
            props[i].setProperty("unit.from", onwards ? "first-rung" : "");
        }
        plan.setPartitionProperties(props);
        return plan;
    }
}
