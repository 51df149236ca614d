package io.trustfl.fairness;

/**
 * Borkan et al. (2019) unintended-bias AUCs of one identity group, as HateXplain reports them.
 *
 * @param subgroup AUC on the examples that mention the group
 * @param bpsn background-positive subgroup-negative AUC: the group's negatives plus the background's positives
 * @param bnsp background-negative subgroup-positive AUC: the group's positives plus the background's negatives
 * @param groupSize examples mentioning the group
 */
public record BiasAucs(double subgroup, double bpsn, double bnsp, int groupSize) {
  /** Generalized mean exponent used to combine per-group AUCs (Borkan et al. 2019). */
  public static final double POWER = -5;

  /**
   * Computes the three AUCs for one group.
   *
   * @param scores classifier scores (higher = more likely positive, e.g. toxic)
   * @param labels true labels (true = positive)
   * @param inGroup whether each example mentions the group
   * @throws IllegalArgumentException if a needed class is absent from a subset
   */
  public static BiasAucs of(double[] scores, boolean[] labels, boolean[] inGroup) {
    if (scores.length != labels.length || scores.length != inGroup.length) {
      throw new IllegalArgumentException("scores, labels and inGroup must have one length, got " + scores.length
          + ", " + labels.length + " and " + inGroup.length);
    }
    int size = 0;
    for (boolean g : inGroup) {
      size += g ? 1 : 0;
    }
    double sub = subset(scores, labels, inGroup, (g, y) -> g);
    double bpsn = subset(scores, labels, inGroup, (g, y) -> g ? !y : y);
    double bnsp = subset(scores, labels, inGroup, (g, y) -> g ? y : !y);
    return new BiasAucs(sub, bpsn, bnsp, size);
  }

  private interface Keep {
    boolean keep(boolean inGroup, boolean label);
  }

  private static double subset(double[] scores, boolean[] labels, boolean[] inGroup, Keep keep) {
    int n = 0;
    for (int i = 0; i < scores.length; i++) {
      if (keep.keep(inGroup[i], labels[i])) {
        n++;
      }
    }
    double[] s = new double[n];
    boolean[] l = new boolean[n];
    int k = 0;
    for (int i = 0; i < scores.length; i++) {
      if (keep.keep(inGroup[i], labels[i])) {
        s[k] = scores[i];
        l[k++] = labels[i];
      }
    }
    return GroupMetrics.auc(s, l);
  }
}
