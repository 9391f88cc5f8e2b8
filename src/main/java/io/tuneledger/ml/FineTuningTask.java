package io.tuneledger.ml;

import io.tuneledger.config.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One kind of fine-tuning, and everything that differs between kinds: how a batch is assembled from a dataset
 * version, the head and the loss, the evaluation and its figures, the baseline it is compared with, and the
 * artifact layout. Engine-neutral: the fine-tune and score jobs work only through this contract, and the engine
 * ({@link ModelEngine}) supplies the implementation. Classification is the first task; each new kind is one new
 * implementation, not a fork of the jobs.
 */
public interface FineTuningTask {

    TaskType type();

    /** The test figure the quality gate compares, as people read it ({@code test macro-F1}). */
    String gateMetric();

    /** The parameter holding the gate's threshold ({@code gate.min.macro.f1}). */
    Parameter<Double> gateParameter();

    /**
     * The parameters only this task takes ({@code retrieval.scale}, say); their values join the training
     * configuration's task settings.
     */
    default List<Parameter<?>> parameters() {
        return List.of();
    }

    /** Opens a run: the dataset's splits read, the starting weights loaded. */
    TaskRun open(RunSpec spec) throws IOException;

    /** A registered retrieval model's artifact, ready to embed documents and queries; other tasks have none. */
    default TextEncoder encoder(Path artifactDir) throws IOException {
        throw new IllegalStateException("The model in " + artifactDir + " is a " + type().id() + " model: it does"
                + " not embed texts for search");
    }

    /** A registered model version's artifact, ready to predict on the model core in length-bucketed batches. */
    default Predictor predictor(Path artifactDir) throws IOException {
        return predictor(artifactDir, ScoreEngine.PYTORCH, true, 0);
    }

    /**
     * A registered model version's artifact, ready to predict on {@code engine} (whose export
     * {@link #prepareScoring} made); {@code bucketing} says whether the texts of a call are batched by token length
     * ({@link LengthBatches}) or in their order; {@code threads} is the engine's share of the cores (0: its default).
     */
    Predictor predictor(Path artifactDir, ScoreEngine engine, boolean bucketing, int threads) throws IOException;

    /**
     * Makes what {@code engine} runs besides the artifact, once per model version (later calls find it): the ONNX
     * export, and for int8 its measurement against fp32 on the test split of {@code datasetDir}, the model's dataset
     * version. The model core needs nothing; a task without an ONNX path refuses the ONNX engines.
     */
    default ScoringExport prepareScoring(Path artifactDir, ScoreEngine engine, Path datasetDir) throws IOException {
        if (engine == ScoreEngine.PYTORCH) {
            return ScoringExport.none();
        }
        throw new IllegalStateException("score.engine=" + engine.id() + " runs classifiers only; the model in "
                + artifactDir + " is a " + type().id() + " model");
    }
}
