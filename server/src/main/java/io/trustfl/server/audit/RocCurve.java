package io.trustfl.server.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The ROC curve of a membership score (higher = "more likely a member") over known members and non-members: one
 * point per distinct threshold, from (0, 0) (nobody called a member) to (1, 1), as in TF Privacy's membership
 * inference report. Immutable; the arrays are copied on access.
 *
 * @param fpr false-positive rate of each point, non-decreasing
 * @param tpr true-positive rate of each point, non-decreasing
 * @param thresholds score threshold of each point ("member" iff score &ge; threshold); +&infin; for (0, 0)
 * @param members number of member scores
 * @param nonMembers number of non-member scores
 */
public record RocCurve(double[] fpr, double[] tpr, double[] thresholds, int members, int nonMembers) {
  /** Validates and copies. */
  public RocCurve {
    if (fpr.length != tpr.length || fpr.length != thresholds.length || fpr.length < 2) {
      throw new IllegalArgumentException("fpr, tpr and thresholds must have the same length >= 2, got "
          + fpr.length + ", " + tpr.length + ", " + thresholds.length);
    }
    fpr = fpr.clone();
    tpr = tpr.clone();
    thresholds = thresholds.clone();
  }

  /**
   * Builds the curve from scores.
   *
   * @throws IllegalArgumentException if either side is empty or a score is NaN
   */
  public static RocCurve of(double[] memberScores, double[] nonMemberScores) {
    int p = memberScores.length;
    int n = nonMemberScores.length;
    if (p == 0 || n == 0) {
      throw new IllegalArgumentException("need >= 1 member and >= 1 non-member score, got " + p + " and " + n);
    }
    double[] all = new double[p + n];
    boolean[] isMember = new boolean[p + n];
    Integer[] order = new Integer[p + n];
    for (int i = 0; i < p + n; i++) {
      all[i] = i < p ? memberScores[i] : nonMemberScores[i - p];
      isMember[i] = i < p;
      if (Double.isNaN(all[i])) {
        throw new IllegalArgumentException((i < p ? "member" : "non-member") + " score " + (i < p ? i : i - p)
            + " is NaN");
      }
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(all[b], all[a]));
    double[] f = new double[p + n + 1];
    double[] t = new double[p + n + 1];
    double[] th = new double[p + n + 1];
    th[0] = Double.POSITIVE_INFINITY;
    int points = 1;
    int tp = 0;
    int fp = 0;
    for (int i = 0; i < p + n; ) {
      double s = all[order[i]];
      while (i < p + n && all[order[i]] == s) { // a tie moves both rates at once
        if (isMember[order[i]]) {
          tp++;
        } else {
          fp++;
        }
        i++;
      }
      f[points] = (double) fp / n;
      t[points] = (double) tp / p;
      th[points] = s;
      points++;
    }
    return new RocCurve(Arrays.copyOf(f, points), Arrays.copyOf(t, points), Arrays.copyOf(th, points), p, n);
  }

  /** Area under the curve (trapezoids; equals the Mann&ndash;Whitney statistic with ties counted 1/2). */
  public double auc() {
    double a = 0;
    for (int i = 1; i < fpr.length; i++) {
      a += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
    }
    return a;
  }

  /** Attacker advantage max over thresholds of |TPR &minus; FPR| (Yeom et al. 2018). */
  public double advantage() {
    double best = 0;
    for (int i = 0; i < fpr.length; i++) {
      best = Math.max(best, Math.abs(tpr[i] - fpr[i]));
    }
    return best;
  }

  /** The highest TPR among thresholds whose FPR is at most {@code maxFpr} (LiRA's headline metric). */
  public double tprAtFpr(double maxFpr) {
    if (!(maxFpr >= 0 && maxFpr <= 1)) {
      throw new IllegalArgumentException("maxFpr must be in [0, 1], got " + maxFpr);
    }
    double best = 0;
    for (int i = 0; i < fpr.length; i++) {
      if (fpr[i] <= maxFpr) {
        best = Math.max(best, tpr[i]);
      }
    }
    return best;
  }

  /**
   * Positive predictive value TPR/(TPR + &gamma;&middot;FPR) at the threshold of maximal advantage, with &gamma; =
   * non-members/members of the population the attacker faces (TF Privacy). NaN when that point has TPR = FPR = 0.
   */
  public double ppv(double gamma) {
    if (!(gamma > 0) || Double.isInfinite(gamma)) {
      throw new IllegalArgumentException("gamma must be finite and > 0, got " + gamma);
    }
    int best = 0;
    for (int i = 0; i < fpr.length; i++) {
      if (Math.abs(tpr[i] - fpr[i]) > Math.abs(tpr[best] - fpr[best])) {
        best = i;
      }
    }
    double d = tpr[best] + gamma * fpr[best];
    return d == 0 ? Double.NaN : tpr[best] / d;
  }

  /** The summary metrics, with PPV at &gamma; = nonMembers/members. */
  public AttackMetrics metrics() {
    return new AttackMetrics(auc(), advantage(), ppv((double) nonMembers / members), tprAtFpr(0.01),
        tprAtFpr(0.001), members, nonMembers);
  }

  /** Writes the curve as CSV ({@code fpr,tpr,threshold}). */
  public void writeCsv(Path file) throws IOException {
    StringBuilder sb = new StringBuilder("fpr,tpr,threshold\n");
    for (int i = 0; i < fpr.length; i++) {
      sb.append(String.format(Locale.ROOT, "%.6g,%.6g,%.9g%n", fpr[i], tpr[i], thresholds[i]));
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  /** False-positive rates (a copy). */
  @Override
  public double[] fpr() {
    return fpr.clone();
  }

  /** True-positive rates (a copy). */
  @Override
  public double[] tpr() {
    return tpr.clone();
  }

  /** Thresholds (a copy). */
  @Override
  public double[] thresholds() {
    return thresholds.clone();
  }

  /** Value equality over the arrays and counts. */
  @Override
  public boolean equals(Object o) {
    return o instanceof RocCurve r && Arrays.equals(fpr, r.fpr) && Arrays.equals(tpr, r.tpr)
        && Arrays.equals(thresholds, r.thresholds) && members == r.members && nonMembers == r.nonMembers;
  }

  /** Consistent with {@link #equals}. */
  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(fpr) + Arrays.hashCode(tpr);
  }

  /** Size and AUC. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "RocCurve[%d points, auc %.4f, %d members, %d non-members]", fpr.length,
        auc(), members, nonMembers);
  }
}
