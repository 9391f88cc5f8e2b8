/**
 * Engine-free model concepts and the task seam: base models and their references, the training parameters and
 * configuration, the contracts every kind of fine-tuning implements ({@link io.tuneledger.ml.FineTuningTask},
 * {@link io.tuneledger.ml.TaskRun}, {@link io.tuneledger.ml.TrainingSession}, {@link io.tuneledger.ml.Predictor})
 * behind the {@link io.tuneledger.ml.ModelEngine}, and the typed records the fine-tune steps hand on (evaluation,
 * baseline, training record, gate decision, provenance).
 */
package io.tuneledger.ml;
