package io.trustfl.server.audit;

import org.hipparchus.distribution.discrete.BinomialDistribution;

/**
 * Empirical lower bounds on &epsilon; from an attack's outcomes: if a mechanism were (&epsilon;, &delta;)-DP, the
 * attack could not do this well, at 95% confidence (by default). Each bound is clamped at 0. Stateless, thread-safe.
 *
 * <ul>
 *   <li>{@link #jagielski}: Jagielski, Ullman, Oprea 2020 / TF Privacy: &epsilon; &ge; log((TPR<sub>lo</sub> &minus;
 *       &delta;)/FPR<sub>hi</sub>) with two-sided Clopper&ndash;Pearson intervals at alpha for each rate.</li>
 *   <li>{@link #nasr}: Nasr et al. 2021: &epsilon; &ge; max(log((1 &minus; &delta; &minus; FPR<sub>hi</sub>)/
 *       FNR<sub>hi</sub>), log((1 &minus; &delta; &minus; FNR<sub>hi</sub>)/FPR<sub>hi</sub>)) with one-sided upper
 *       bounds at alpha/2 each.</li>
 *   <li>{@link #oneRun}: Steinke, Nasr, Jagielski 2023 (one training run): m canaries each included with probability
 *       1/2, r guesses, v correct; the largest &epsilon; whose p-value P[Binomial(r, e<sup>&epsilon;</sup>/(1 +
 *       e<sup>&epsilon;</sup>)) &ge; v] + 2m&delta;&middot;max<sub>i</sub> P[v &minus; i &le; Binomial &lt; v]/i stays
 *       below the significance level.</li>
 * </ul>
 * The Jagielski and Nasr bounds assume independent trials (one training run per trial); applied to many canaries of
 * one run they are heuristics, which is why the one-run bound is the one to compare with an accountant for a single
 * model.
 */
public final class EmpiricalEpsilon {
  /** The significance level used by the experiments: 95% confidence. */
  public static final double DEFAULT_ALPHA = 0.05;

  private EmpiricalEpsilon() {}

  /**
   * Jagielski et al. 2020: &epsilon; &ge; log((TPR<sub>lo</sub> &minus; &delta;)/FPR<sub>hi</sub>). When the attack
   * does worse than chance (TP rate below FP rate) the roles of members and non-members are swapped,
   * log((FPR<sub>lo</sub> &minus; &delta;)/TPR<sub>hi</sub>), which DP bounds equally (neighbouring data sets are
   * symmetric).
   *
   * @param truePositives members guessed "member", out of {@code positives}
   * @param falsePositives non-members guessed "member", out of {@code negatives}
   */
  public static double jagielski(long truePositives, long positives, long falsePositives, long negatives,
      double delta, double alpha) {
    checkCounts(truePositives, positives, falsePositives, negatives);
    checkDelta(delta);
    long tp = truePositives;
    long fp = falsePositives;
    if ((double) tp / positives < (double) fp / negatives) {
      // DP bounds both directions of neighbouring data sets: P[guess | out] <= e^eps P[guess | in] + delta
      tp = falsePositives;
      fp = truePositives;
      long n = positives;
      positives = negatives;
      negatives = n;
    }
    double tprLo = ClopperPearson.twoSided(tp, positives, alpha).lower();
    double fprHi = ClopperPearson.twoSided(fp, negatives, alpha).upper();
    return safeLog((tprLo - delta) / fprHi);
  }

  /** Nasr et al. 2021, with one-sided Clopper&ndash;Pearson upper bounds at alpha/2 on FPR and FNR. */
  public static double nasr(long truePositives, long positives, long falsePositives, long negatives, double delta,
      double alpha) {
    checkCounts(truePositives, positives, falsePositives, negatives);
    checkDelta(delta);
    double fnrHi = ClopperPearson.upper(positives - truePositives, positives, alpha / 2);
    double fprHi = ClopperPearson.upper(falsePositives, negatives, alpha / 2);
    return Math.max(0, Math.max(safeLog((1 - delta - fprHi) / fnrHi), safeLog((1 - delta - fnrHi) / fprHi)));
  }

  /**
   * The p-value of v or more correct guesses out of r under the null hypothesis that the training run was
   * (&epsilon;, &delta;)-DP (Steinke, Nasr, Jagielski 2023, Theorem 3.1 / their reference code).
   *
   * @param canaries m, each included independently with probability 1/2
   * @param guesses r &le; m (abstentions excluded)
   * @param correct v &le; r
   */
  public static double oneRunPValue(int canaries, int guesses, int correct, double epsilon, double delta) {
    checkOneRun(canaries, guesses, correct);
    checkDelta(delta);
    if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be finite and >= 0, got " + epsilon);
    }
    if (guesses == 0) {
      return 1.0;
    }
    double q = 1 / (1 + Math.exp(-epsilon));
    BinomialDistribution bin = new BinomialDistribution(guesses, q);
    double beta = correct == 0 ? 1.0 : 1 - bin.cumulativeProbability(correct - 1);
    double alphaTerm = 0;
    double sum = 0;
    for (int i = 1; i <= correct; i++) {
      sum += bin.probability(correct - i);
      if (sum > i * alphaTerm) {
        alphaTerm = sum / i;
      }
    }
    return Math.min(1.0, beta + alphaTerm * delta * 2 * canaries);
  }

  /**
   * The one-run lower bound: the largest &epsilon; whose {@link #oneRunPValue p-value} is below {@code alpha}
   * (binary search to 1e-9), 0 when even &epsilon; = 0 is not rejected.
   */
  public static double oneRun(int canaries, int guesses, int correct, double delta, double alpha) {
    checkOneRun(canaries, guesses, correct);
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
    }
    if (oneRunPValue(canaries, guesses, correct, 0, delta) >= alpha) {
      return 0;
    }
    double lo = 0;
    double hi = 1;
    while (oneRunPValue(canaries, guesses, correct, hi, delta) < alpha) {
      lo = hi;
      hi *= 2;
      if (hi > 1e3) {
        return lo; // all guesses correct and many of them: bounded only by the search range
      }
    }
    while (hi - lo > 1e-9) {
      double mid = (lo + hi) / 2;
      if (oneRunPValue(canaries, guesses, correct, mid, delta) < alpha) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static double safeLog(double ratio) {
    return ratio > 1 ? Math.log(ratio) : 0.0;
  }

  private static void checkCounts(long tp, long pos, long fp, long neg) {
    if (pos < 1 || neg < 1) {
      throw new IllegalArgumentException("positives and negatives must be >= 1, got " + pos + " and " + neg);
    }
    if (tp < 0 || tp > pos) {
      throw new IllegalArgumentException("truePositives must be in [0, " + pos + "], got " + tp);
    }
    if (fp < 0 || fp > neg) {
      throw new IllegalArgumentException("falsePositives must be in [0, " + neg + "], got " + fp);
    }
  }

  private static void checkOneRun(int m, int r, int v) {
    if (m < 1) {
      throw new IllegalArgumentException("canaries must be >= 1, got " + m);
    }
    if (r < 0 || r > m) {
      throw new IllegalArgumentException("guesses must be in [0, canaries=" + m + "], got " + r);
    }
    if (v < 0 || v > r) {
      throw new IllegalArgumentException("correct must be in [0, guesses=" + r + "], got " + v);
    }
  }

  private static void checkDelta(double delta) {
    if (!(delta >= 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in [0, 1), got " + delta);
    }
  }
}
