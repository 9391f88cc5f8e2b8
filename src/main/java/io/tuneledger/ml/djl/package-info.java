/**
 * The model engine on DJL's PyTorch engine, behind the task seam: the classification task, the HF-compatible BERT
 * classifier, tokenisation, the step-wise training session with exact resume (generic over a task's objective),
 * batched inference, artifact export (whole models and LoRA adapters), and the ONNX scoring path (a classifier
 * exported as an ONNX graph in fp32 or int8 and run by ONNX Runtime). The only package that names DJL's or ONNX
 * Runtime's types.
 */
package io.tuneledger.ml.djl;
