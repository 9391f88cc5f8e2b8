/**
 * What a job execution looks like from outside the batch runtime: executions and steps with their status, times and
 * metrics, the progress record the steps keep in the job repository, and the query interface the reports read.
 */
package io.tuneledger.job;
