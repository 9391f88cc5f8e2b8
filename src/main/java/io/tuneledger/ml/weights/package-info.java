/**
 * Weights formats: reading ONNX initializers into HF-named tensors, and safetensors files with metadata.
 */
package io.tuneledger.ml.weights;
