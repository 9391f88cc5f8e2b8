/**
 * Data handling without the batch runtime: sources (JSONL, CSV, JDBC), cleaning and PII redaction,
 * de-duplication, stratified splitting, dataset assembly, and the data store's layout.
 */
package io.tuneledger.data;
