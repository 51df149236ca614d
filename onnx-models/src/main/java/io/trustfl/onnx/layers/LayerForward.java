package io.trustfl.onnx.layers;

import io.trustfl.onnx.graph.GraphBuilder;
import java.util.Map;
import java.util.Optional;

/**
 * A layer's forward pass inside one graph, and the backward nodes that go with it. {@code delta} is always the
 * gradient of the objective with respect to this layer's output, {@code [B, outputWidth]}; row i of it is example
 * i's gradient.
 */
public interface LayerForward {
  /** The output value, {@code [B, outputWidth]}. */
  String output();

  /**
   * Gradient with respect to the layer's differentiable input: its real input for dense layers, the soft token
   * weights for the embedding bag.
   */
  String inputGradient(GraphBuilder g, String delta);

  /**
   * Per-example squared L2 norm of this layer's parameter gradients, {@code [B]}, by a ghost identity; empty when
   * the layer has no parameters.
   */
  Optional<String> ghostSquaredNorm(GraphBuilder g, String delta);

  /** Parameter gradients summed over the batch, keyed by parameter name in parameter order (empty if none). */
  Map<String, String> parameterGradients(GraphBuilder g, String delta);
}
