/**
 * The model core on DJL's PyTorch engine: the HF-compatible BERT classifier, tokenisation, the step-wise
 * training session with exact resume, batched inference, and artifact export.
 */
package io.tuneledger.ml.djl;
