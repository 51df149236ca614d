/**
 * Layers of TrustFL's trainable models. Each layer type is one class that emits its forward nodes, its backward
 * nodes (input gradient and batch-summed parameter gradients) and its per-example squared gradient norm by a ghost
 * identity, never materializing per-example gradients. {@link io.trustfl.onnx.layers.SoftmaxCrossEntropy} is the
 * loss.
 *
 * <p>Layers only emit nodes through {@link io.trustfl.onnx.graph.GraphBuilder}; assembling them into the four
 * graphs of a model is {@link io.trustfl.onnx.ModelGraphs}'s job. Adding a layer type is adding one class here.
 */
package io.trustfl.onnx.layers;
