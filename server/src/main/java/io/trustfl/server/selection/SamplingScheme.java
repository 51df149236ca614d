package io.trustfl.server.selection;

/** How devices are drawn once their inclusion probabilities are fixed. */
public enum SamplingScheme {
  /**
   * Each candidate independently with probability π_i; the number selected is random with mean Σπ_i. Matches the
   * Poisson-subsampled Gaussian the accountant analyses.
   */
  POISSON,
  /**
   * Exactly {@code round(Σπ_i)} candidates without replacement with marginal inclusion probabilities π_i
   * (simple random sampling when uniform, randomized systematic sampling otherwise).
   */
  FIXED_SIZE
}
