package io.trustfl.onnx.layers;

import io.trustfl.onnx.graph.GraphBuilder;
import io.trustfl.onnx.graph.Op;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code y = max(x, 0)}; backward {@code ∂x = δ·[x > 0]} (the subgradient 0 at 0). No parameters. */
public final class Relu implements Layer {
  private final long width;

  /**
   * @param width input (= output) width, &gt; 0
   */
  public Relu(long width) {
    if (width <= 0) {
      throw new IllegalArgumentException("width must be > 0, got " + width);
    }
    this.width = width;
  }

  @Override
  public List<ParameterDef> parameters() {
    return List.of();
  }

  @Override
  public long outputWidth() {
    return width;
  }

  @Override
  public LayerForward forward(GraphBuilder g, List<String> inputs) {
    String x = inputs.get(0);
    String y = g.node(Op.RELU, "relu", x);
    return new LayerForward() {
      @Override
      public String output() {
        return y;
      }

      @Override
      public String inputGradient(GraphBuilder gb, String delta) {
        String positive = gb.cast(gb.node(Op.GREATER, "pos", x, gb.scalar(0.0)), gb.real());
        return gb.mul(delta, positive);
      }

      @Override
      public Optional<String> ghostSquaredNorm(GraphBuilder gb, String delta) {
        return Optional.empty();
      }

      @Override
      public Map<String, String> parameterGradients(GraphBuilder gb, String delta) {
        return Map.of();
      }
    };
  }
}
