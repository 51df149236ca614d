package io.trustfl.onnx.layers;

import io.trustfl.onnx.graph.GraphBuilder;
import java.util.List;

/**
 * One layer type of a sequential model. Its parameters are graph inputs named as in {@link #parameters()}.
 * Every real-valued activation is 2-D, {@code [B, width]}, and rows (examples) never interact, which is what makes
 * row i of a batch backward pass the per-example gradient of example i.
 */
public interface Layer {
  /** This layer's parameters, in order (empty for activations). */
  List<ParameterDef> parameters();

  /** Number of graph values the layer consumes (1 for dense layers; the embedding bag takes ids and a mask). */
  default int inputArity() {
    return 1;
  }

  /** Width of the output, {@code [B, outputWidth]}. */
  long outputWidth();

  /**
   * Emits the forward nodes.
   *
   * @param g the graph
   * @param inputs {@link #inputArity()} value names
   * @return the emitted forward pass, which can emit the backward pass on demand
   */
  LayerForward forward(GraphBuilder g, List<String> inputs);
}
