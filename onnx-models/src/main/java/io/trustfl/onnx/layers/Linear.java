package io.trustfl.onnx.layers;

import io.trustfl.onnx.graph.GraphBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fully connected layer {@code y = x·W + b}, {@code W} stored {@code [in, out]}.
 *
 * <p>Backward: {@code ∂x = δ·Wᵀ}, {@code ∇W = xᵀ·δ}, {@code ∇b = Σ_i δ_i}. Ghost norm (Goodfellow 2015, "Efficient
 * per-example gradient computations"; Li et al. 2022, ghost clipping): example i's weight gradient is the rank-one
 * {@code x_i δ_iᵀ}, so {@code ‖∇W_i‖² + ‖∇b_i‖² = ‖δ_i‖²·‖x_i‖² + ‖δ_i‖²}.
 */
public final class Linear implements Layer {
  private final String weight;
  private final String bias;
  private final long in;
  private final long out;

  /**
   * A linear layer with PyTorch's default initialization, {@code U(−1/√in, 1/√in)} for the weight, zeros for the
   * bias.
   *
   * @param weight the weight's parameter name
   * @param bias the bias's parameter name
   * @param in input width, &gt; 0
   * @param out output width, &gt; 0
   */
  public Linear(String weight, String bias, long in, long out) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException("in and out must be > 0, got in=" + in + ", out=" + out);
    }
    this.weight = weight;
    this.bias = bias;
    this.in = in;
    this.out = out;
  }

  @Override
  public List<ParameterDef> parameters() {
    return List.of(new ParameterDef(weight, List.of(in, out), Init.uniform(1 / Math.sqrt(in))),
        new ParameterDef(bias, List.of(out), Init.zeros()));
  }

  @Override
  public long outputWidth() {
    return out;
  }

  @Override
  public LayerForward forward(GraphBuilder g, List<String> inputs) {
    String x = inputs.get(0);
    String y = g.gemm(x, weight, bias, false, false);
    return new LayerForward() {
      @Override
      public String output() {
        return y;
      }

      @Override
      public String inputGradient(GraphBuilder gb, String delta) {
        return gb.gemm(delta, weight, null, false, true);
      }

      @Override
      public Optional<String> ghostSquaredNorm(GraphBuilder gb, String delta) {
        String d2 = gb.reduceSumSquare(delta, false, 1);
        String x2 = gb.reduceSumSquare(x, false, 1);
        return Optional.of(gb.mul(d2, gb.add(x2, gb.scalar(1.0))));
      }

      @Override
      public Map<String, String> parameterGradients(GraphBuilder gb, String delta) {
        Map<String, String> grads = new LinkedHashMap<>();
        grads.put(weight, gb.gemm(x, delta, null, true, false));
        grads.put(bias, gb.reduceSum(delta, false, 0));
        return grads;
      }
    };
  }
}
