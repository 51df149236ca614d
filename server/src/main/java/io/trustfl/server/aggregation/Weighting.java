package io.trustfl.server.aggregation;

/** How accepted updates are weighted in the sum. */
public enum Weighting {
  /**
   * Weight = the update's {@code example_count} (FedAvg, McMahan et al. 2017). Not for DP: the weight is
   * data-dependent and unbounded, so one user's influence on the sum would not be bounded by the clip norm.
   */
  EXAMPLES,
  /** Weight 1 per update: each user contributes at most the clip norm (user-level DP-FedAvg). */
  UNIFORM
}
