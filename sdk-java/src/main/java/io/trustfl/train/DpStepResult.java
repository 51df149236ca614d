package io.trustfl.train;

import java.util.Objects;

/**
 * Result of a DP training step, before noise.
 *
 * @param losses per-example losses
 * @param gradientNorms per-example L2 norms of the unclipped gradients
 * @param clippedSum {@code Σ_i min(1, C/‖g_i‖)·g_i}, one array per parameter tensor (owned by the caller)
 */
public record DpStepResult(double[] losses, double[] gradientNorms, double[][] clippedSum) {
  /** Checks that losses and norms have one entry per example. */
  public DpStepResult {
    Objects.requireNonNull(losses, "losses");
    Objects.requireNonNull(gradientNorms, "gradientNorms");
    Objects.requireNonNull(clippedSum, "clippedSum");
    if (losses.length != gradientNorms.length) {
      throw new IllegalArgumentException("losses and gradientNorms must have one entry per example, got "
          + losses.length + " and " + gradientNorms.length);
    }
  }
}
