package io.trustfl.privacy;

import io.trustfl.privacy.analysis.DpParams;

/**
 * A differential-privacy budget (ε, δ).
 *
 * @param epsilon ε, finite and &gt; 0
 * @param delta δ in (0, 1)
 */
public record PrivacyBudget(double epsilon, double delta) {
  /** Validates both fields. */
  public PrivacyBudget {
    DpParams.epsilon(epsilon);
    DpParams.delta(delta);
  }
}
