package io.trustfl.fairness;

/**
 * Group fairness metrics of a binary classifier's decisions and scores. Stateless and thread-safe.
 *
 * <ul>
 *   <li>Demographic-parity difference |P(ŷ=1 | g) − P(ŷ=1 | ¬g)|.
 *   <li>Equalized-odds difference max(|TPR_g − TPR_¬g|, |FPR_g − FPR_¬g|) (Hardt et al. 2016; fairlearn's form).
 *   <li>ROC AUC as the Mann–Whitney probability P(score_pos &gt; score_neg) + ½·P(tie).
 *   <li>Generalized mean M_p = (mean m^p)^(1/p) (Borkan et al. 2019 combine bias AUCs with p = −5).
 * </ul>
 */
public final class GroupMetrics {
  private GroupMetrics() {}

  /**
   * Demographic-parity difference of decisions between the group and the rest.
   *
   * @throws IllegalArgumentException if lengths differ or the group or its complement is empty
   */
  public static double demographicParityDifference(boolean[] predicted, boolean[] group) {
    requireSameLength(predicted.length, group.length, "predicted", "group");
    long[] n = new long[2];
    long[] pos = new long[2];
    for (int i = 0; i < predicted.length; i++) {
      int g = group[i] ? 1 : 0;
      n[g]++;
      if (predicted[i]) {
        pos[g]++;
      }
    }
    requireBoth(n, "group", "its complement");
    return Math.abs((double) pos[1] / n[1] - (double) pos[0] / n[0]);
  }

  /**
   * Equalized-odds difference: the larger of the true-positive-rate and false-positive-rate gaps.
   *
   * @throws IllegalArgumentException if lengths differ or a (group, label) cell is empty
   */
  public static double equalizedOddsDifference(boolean[] predicted, boolean[] actual, boolean[] group) {
    requireSameLength(predicted.length, actual.length, "predicted", "actual");
    requireSameLength(predicted.length, group.length, "predicted", "group");
    long[][] n = new long[2][2];
    long[][] pos = new long[2][2];
    for (int i = 0; i < predicted.length; i++) {
      int g = group[i] ? 1 : 0;
      int y = actual[i] ? 1 : 0;
      n[g][y]++;
      if (predicted[i]) {
        pos[g][y]++;
      }
    }
    for (int g = 0; g < 2; g++) {
      for (int y = 0; y < 2; y++) {
        if (n[g][y] == 0) {
          throw new IllegalArgumentException("equalized odds needs positives and negatives in the group and in its"
              + " complement; " + (g == 1 ? "group" : "complement") + " has no " + (y == 1 ? "positive" : "negative")
              + " example");
        }
      }
    }
    double tpr = Math.abs((double) pos[1][1] / n[1][1] - (double) pos[0][1] / n[0][1]);
    double fpr = Math.abs((double) pos[1][0] / n[1][0] - (double) pos[0][0] / n[0][0]);
    return Math.max(tpr, fpr);
  }

  /**
   * ROC AUC of scores for binary labels, ties counted ½ (average ranks), O(n log n).
   *
   * @throws IllegalArgumentException if lengths differ, a score is NaN, or either class is absent
   */
  public static double auc(double[] scores, boolean[] labels) {
    requireSameLength(scores.length, labels.length, "scores", "labels");
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("scores[" + i + "] is NaN");
      }
      order[i] = i;
    }
    java.util.Arrays.sort(order, (p, q) -> Double.compare(scores[p], scores[q]));
    double rankSumPos = 0;
    long npos = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double avgRank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[order[k]]) {
          rankSumPos += avgRank;
          npos++;
        }
      }
      i = j + 1;
    }
    long nneg = n - npos;
    if (npos == 0 || nneg == 0) {
      throw new IllegalArgumentException("AUC needs both classes, got " + npos + " positive and " + nneg
          + " negative examples");
    }
    return (rankSumPos - npos * (npos + 1) / 2.0) / ((double) npos * nneg);
  }

  /**
   * Generalized (power) mean M_p = (mean m^p)^(1/p); p = 0 gives the geometric mean.
   *
   * @param values at least one, each &gt; 0 and finite
   */
  public static double generalizedMean(double[] values, double p) {
    if (values.length == 0) {
      throw new IllegalArgumentException("generalizedMean needs at least one value");
    }
    if (!Double.isFinite(p)) {
      throw new IllegalArgumentException("p must be finite, got " + p);
    }
    double acc = 0;
    for (double v : values) {
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("generalizedMean values must be finite and > 0, got " + v);
      }
      acc += p == 0 ? Math.log(v) : Math.pow(v, p);
    }
    acc /= values.length;
    return p == 0 ? Math.exp(acc) : Math.pow(acc, 1 / p);
  }

  private static void requireSameLength(int a, int b, String na, String nb) {
    if (a != b) {
      throw new IllegalArgumentException(na + " and " + nb + " must have one length, got " + a + " and " + b);
    }
  }

  private static void requireBoth(long[] n, String one, String other) {
    if (n[1] == 0 || n[0] == 0) {
      throw new IllegalArgumentException("demographic parity needs examples in the " + one + " and in "
          + other + ", got " + n[1] + " and " + n[0]);
    }
  }
}
