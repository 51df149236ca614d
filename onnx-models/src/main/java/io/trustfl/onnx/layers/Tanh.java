package io.trustfl.onnx.layers;

import io.trustfl.onnx.graph.GraphBuilder;
import io.trustfl.onnx.graph.Op;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code y = tanh(x)}; backward {@code ∂x = δ·(1 − y²)}. No parameters. */
public final class Tanh implements Layer {
  private final long width;

  /**
   * @param width input (= output) width, &gt; 0
   */
  public Tanh(long width) {
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
    String y = g.node(Op.TANH, "tanh", inputs.get(0));
    return new LayerForward() {
      @Override
      public String output() {
        return y;
      }

      @Override
      public String inputGradient(GraphBuilder gb, String delta) {
        return gb.mul(delta, gb.sub(gb.scalar(1.0), gb.mul(y, y)));
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
