package io.trustfl.server.audit;

import org.hipparchus.distribution.continuous.BetaDistribution;

/**
 * Clopper&ndash;Pearson ("exact") confidence intervals for a binomial proportion, from Beta quantiles
 * (Clopper and Pearson 1934): lower = B<sup>-1</sup>(a; k, n&minus;k+1), upper = B<sup>-1</sup>(1&minus;a; k+1, n&minus;k),
 * with lower = 0 at k = 0 and upper = 1 at k = n. Stateless and thread-safe.
 */
public final class ClopperPearson {
  private ClopperPearson() {}

  /** A confidence interval [lower, upper] for a proportion. */
  public record Interval(double lower, double upper) {}

  /**
   * The two-sided interval at confidence 1 &minus; alpha (alpha/2 in each tail).
   *
   * @param successes k, 0 &le; k &le; n
   * @param trials n &ge; 1
   * @param alpha in (0, 1)
   */
  public static Interval twoSided(long successes, long trials, double alpha) {
    check(successes, trials, alpha);
    return new Interval(lower(successes, trials, alpha / 2), upper(successes, trials, alpha / 2));
  }

  /** The one-sided upper bound at confidence 1 &minus; tailAlpha: P[p &gt; upper] &le; tailAlpha. */
  public static double upper(long successes, long trials, double tailAlpha) {
    check(successes, trials, tailAlpha);
    if (successes == trials) {
      return 1.0;
    }
    return new BetaDistribution(successes + 1, trials - successes).inverseCumulativeProbability(1 - tailAlpha);
  }

  /** The one-sided lower bound at confidence 1 &minus; tailAlpha: P[p &lt; lower] &le; tailAlpha. */
  public static double lower(long successes, long trials, double tailAlpha) {
    check(successes, trials, tailAlpha);
    if (successes == 0) {
      return 0.0;
    }
    return new BetaDistribution(successes, trials - successes + 1).inverseCumulativeProbability(tailAlpha);
  }

  private static void check(long k, long n, double alpha) {
    if (n < 1) {
      throw new IllegalArgumentException("trials must be >= 1, got " + n);
    }
    if (k < 0 || k > n) {
      throw new IllegalArgumentException("successes must be in [0, trials=" + n + "], got " + k);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
    }
  }
}
