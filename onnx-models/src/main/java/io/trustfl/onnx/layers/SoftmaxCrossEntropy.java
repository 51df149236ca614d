package io.trustfl.onnx.layers;

import io.trustfl.onnx.graph.ElementType;
import io.trustfl.onnx.graph.GraphBuilder;
import io.trustfl.onnx.graph.Op;
import java.util.Map;

/**
 * Softmax cross-entropy of logits {@code [B, C]} against int64 labels {@code [B]}:
 * {@code ℓ_b = −log softmax(z_b)[y_b]}, with per-example gradient {@code ∂ℓ_b/∂z_b = softmax(z_b) − onehot(y_b)}.
 * The one-hot is {@code [y_b = k]} for k in {@code [0, C)}, so a label outside that range silently gives ℓ = 0 and
 * gradient {@code softmax(z)}: callers must reject such labels before they reach a graph.
 */
public final class SoftmaxCrossEntropy {
  private final long classes;

  /**
   * @param classes number of classes C, &gt; 0
   */
  public SoftmaxCrossEntropy(long classes) {
    if (classes <= 0) {
      throw new IllegalArgumentException("classes must be > 0, got " + classes);
    }
    this.classes = classes;
  }

  /**
   * Per-example losses and their gradients with respect to the logits.
   *
   * @param losses {@code [B]}
   * @param logitGradient {@code [B, C]}, row b = {@code ∂ℓ_b/∂z_b}
   */
  public record Result(String losses, String logitGradient) {}

  /** Emits the loss and its gradient. */
  public Result apply(GraphBuilder g, String logits, String labels) {
    long[] range = new long[Math.toIntExact(classes)];
    for (int k = 0; k < range.length; k++) {
      range[k] = k;
    }
    String oneHot = g.cast(g.node(Op.EQUAL, "onehot", g.unsqueeze(labels, 1), g.int64(range, 1, classes)),
        g.real());
    String logp = g.node(Op.LOG_SOFTMAX, "logp", Map.of("axis", -1L), logits);
    String losses = g.node(Op.NEG, "losses", g.reduceSum(g.mul(oneHot, logp), false, 1));
    String grad = g.sub(g.node(Op.EXP, "softmax", logp), oneHot);
    return new Result(losses, grad);
  }

  /** Element type of the labels input. */
  public static ElementType labelType() {
    return ElementType.INT64;
  }
}
