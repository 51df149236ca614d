package io.trustfl.train;

import java.util.Objects;

/**
 * Result of a plain training step.
 *
 * @param meanLoss mean cross-entropy over the batch
 * @param gradientSum gradient of the summed loss, one array per parameter tensor (owned by the caller)
 */
public record PlainStepResult(double meanLoss, double[][] gradientSum) {
  /** Null checks only; layouts are checked by the trainer against the parameters. */
  public PlainStepResult {
    Objects.requireNonNull(gradientSum, "gradientSum");
  }
}
