package io.trustfl.privacy.analysis;

/**
 * Validation of the parameters of the Poisson-subsampled Gaussian mechanism, shared by the analysis functions and
 * the accountants. Each check throws {@link IllegalArgumentException} naming the parameter, the rule and the value.
 */
public final class DpParams {
  private DpParams() {}

  /**
   * Checks a Poisson sampling rate.
   *
   * @throws IllegalArgumentException unless {@code 0 < q ≤ 1}
   */
  public static double samplingRate(double q) {
    if (!(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("samplingRate must be in (0, 1], got " + q);
    }
    return q;
  }

  /**
   * Checks a noise multiplier (noise standard deviation divided by the clip norm).
   *
   * @throws IllegalArgumentException unless σ is finite and {@code > 0}
   */
  public static double noiseMultiplier(double sigma) {
    if (!(sigma > 0 && sigma < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("noiseMultiplier must be finite and > 0, got " + sigma);
    }
    return sigma;
  }

  /**
   * Checks a number of steps.
   *
   * @throws IllegalArgumentException if {@code steps < 0}
   */
  public static long steps(long steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    return steps;
  }

  /**
   * Checks a δ.
   *
   * @throws IllegalArgumentException unless {@code 0 < δ < 1}
   */
  public static double delta(double delta) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
    return delta;
  }

  /**
   * Checks an ε.
   *
   * @throws IllegalArgumentException unless ε is finite and {@code > 0}
   */
  public static double epsilon(double epsilon) {
    if (!(epsilon > 0 && epsilon < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
    }
    return epsilon;
  }
}
