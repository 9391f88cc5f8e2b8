/**
 * The model engine on DJL's PyTorch engine, behind the task seam: the classification task, the HF-compatible BERT
 * classifier, tokenisation, the step-wise training session with exact resume (generic over a task's objective),
 * batched inference, and artifact export. The only package that names DJL's types.
 */
package io.tuneledger.ml.djl;
