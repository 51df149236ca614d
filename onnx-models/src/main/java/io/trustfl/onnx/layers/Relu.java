package io.trustfl.onnx.layers;

import io.trustfl.onnx.graph.GraphBuilder;
import io.trustfl.onnx.graph.Op;

/** {@code y = max(x, 0)}; backward {@code ∂x = δ·[x > 0]} (the subgradient 0 at 0). No parameters. */
public final class Relu extends ElementwiseActivation {

  /**
   * @param width input (= output) width, &gt; 0
   */
  public Relu(long width) {
    super(width);
  }

  @Override
  String apply(GraphBuilder g, String x) {
    return g.node(Op.RELU, "relu", x);
  }

  @Override
  String inputGradient(GraphBuilder g, String x, String y, String delta) {
    String positive = g.cast(g.node(Op.GREATER, "pos", x, g.scalar(0.0)), g.real());
    return g.mul(delta, positive);
  }
}
