package io.trustfl.onnx.layers;

import io.trustfl.onnx.graph.GraphBuilder;
import io.trustfl.onnx.graph.Op;

/** {@code y = tanh(x)}; backward {@code ∂x = δ·(1 − y²)}. No parameters. */
public final class Tanh extends ElementwiseActivation {

  /**
   * @param width input (= output) width, &gt; 0
   */
  public Tanh(long width) {
    super(width);
  }

  @Override
  String apply(GraphBuilder g, String x) {
    return g.node(Op.TANH, "tanh", x);
  }

  @Override
  String inputGradient(GraphBuilder g, String x, String y, String delta) {
    return g.mul(delta, g.sub(g.scalar(1.0), g.mul(y, y)));
  }
}
