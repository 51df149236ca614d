package io.trustfl.onnx.layers;

import io.trustfl.onnx.graph.GraphBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parameter-free activation applied element by element: output width = input width, no ghost norm, no parameter
 * gradients. Subclasses emit only the forward node and the input gradient.
 */
abstract class ElementwiseActivation implements Layer {
  private final long width;

  /**
   * @param width input (= output) width, &gt; 0
   */
  ElementwiseActivation(long width) {
    if (width <= 0) {
      throw new IllegalArgumentException("width must be > 0, got " + width);
    }
    this.width = width;
  }

  @Override
  public final List<ParameterDef> parameters() {
    return List.of();
  }

  @Override
  public final long outputWidth() {
    return width;
  }

  @Override
  public final LayerForward forward(GraphBuilder g, List<String> inputs) {
    String x = inputs.get(0);
    String y = apply(g, x);
    return new LayerForward() {
      @Override
      public String output() {
        return y;
      }

      @Override
      public String inputGradient(GraphBuilder gb, String delta) {
        return ElementwiseActivation.this.inputGradient(gb, x, y, delta);
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

  /** Emits {@code y = f(x)} and returns y. */
  abstract String apply(GraphBuilder g, String x);

  /** Emits {@code ∂x = δ·f'(x)} from the input x, the output y and the output gradient δ, and returns it. */
  abstract String inputGradient(GraphBuilder g, String x, String y, String delta);
}
