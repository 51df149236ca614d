package io.trustfl.fairness;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Seeded non-parametric percentile bootstrap over examples (Efron and Tibshirani 1993): resample n example indexes
 * with replacement, recompute the statistic, take quantiles. Replicates for which the statistic is undefined (it
 * throws {@link IllegalArgumentException}, e.g. an AUC on a resample with one class) are skipped and not counted.
 */
public final class Bootstrap {
  private Bootstrap() {}

  /**
   * Computes a percentile interval.
   *
   * @param n number of examples (≥ 1)
   * @param statistic maps resampled indexes (length n; the identity for the estimate) to the statistic
   * @param replicates number of resamples (≥ 10)
   * @param level confidence level in (0, 1), e.g. 0.95
   * @param seed resampling seed (resampling randomness is not privacy noise)
   * @throws IllegalStateException if fewer than half the replicates gave a finite value
   */
  public static Interval percentile(int n, ToDoubleFunction<int[]> statistic, int replicates, double level,
      long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    if (replicates < 10) {
      throw new IllegalArgumentException("replicates must be >= 10, got " + replicates);
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level must be in (0, 1), got " + level);
    }
    int[] identity = new int[n];
    for (int i = 0; i < n; i++) {
      identity[i] = i;
    }
    double estimate = statistic.applyAsDouble(identity);
    SplittableRandom rng = new SplittableRandom(seed);
    double[] values = new double[replicates];
    int k = 0;
    int[] idx = new int[n];
    for (int r = 0; r < replicates; r++) {
      for (int i = 0; i < n; i++) {
        idx[i] = rng.nextInt(n);
      }
      try {
        double v = statistic.applyAsDouble(idx);
        if (Double.isFinite(v)) {
          values[k++] = v;
        }
      } catch (IllegalArgumentException undefinedOnThisResample) {
        // skipped, see the class comment
      }
    }
    if (k < replicates / 2) {
      throw new IllegalStateException("only " + k + " of " + replicates + " bootstrap replicates were defined;"
          + " the sample is too small or too unbalanced for this statistic");
    }
    double[] v = Arrays.copyOf(values, k);
    Arrays.sort(v);
    return new Interval(estimate, quantile(v, (1 - level) / 2), quantile(v, (1 + level) / 2), level, k);
  }

  /** Linear-interpolation quantile of sorted values (numpy's default "linear" method). */
  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
