/**
 * Jakarta Batch artifacts only (readers, processors, writers, batchlets, listeners, the partition mapper), plus the
 * job parameter lists they read: thin glue that hands the work to data, ml (through the task seam) and registry.
 * Restart logic lives in two bases ({@link io.tuneledger.batch.CheckpointedItemReader},
 * {@link io.tuneledger.batch.CheckpointedItemWriter}), each checkpointing a small position value.
 */
package io.tuneledger.batch;
