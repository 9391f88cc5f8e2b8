/**
 * Jakarta Batch artifacts only (readers, processors, writers, batchlets, listeners, the partition mapper): each
 * checkpoints what it needs to resume exactly where a killed or stopped execution left off.
 */
package io.tuneledger.batch;
