package io.trustfl.server.audit;

/**
 * Per-example statistics of a trained classifier that membership-inference attacks threshold: cross-entropy loss,
 * true-label confidence and LiRA's logit-scaled confidence &phi; = log(p/(1 &minus; p)) (Carlini et al. 2022),
 * computed stably from logits as &phi; = z<sub>y</sub> &minus; log &Sigma;<sub>k&ne;y</sub> e<sup>z<sub>k</sub></sup>.
 * Stateless and thread-safe.
 */
public final class MembershipScores {
  private MembershipScores() {}

  /**
   * Per-example loss, confidence and &phi;.
   *
   * @param loss cross-entropy &minus;log p<sub>y</sub>
   * @param confidence p<sub>y</sub>
   * @param phi log(p<sub>y</sub>/(1 &minus; p<sub>y</sub>))
   */
  public record Stats(double[] loss, double[] confidence, double[] phi) {
    /** Member scores of the loss attack: &minus;loss (higher = more likely a member). */
    public double[] lossScores() {
      double[] s = new double[loss.length];
      for (int i = 0; i < s.length; i++) {
        s[i] = -loss[i];
      }
      return s;
    }
  }

  /**
   * Computes the statistics from row-major logits {@code [n, classes]} and labels.
   *
   * @throws IllegalArgumentException if the shapes disagree or a label is out of range
   */
  public static Stats of(float[] logits, int[] labels, int classes) {
    int n = labels.length;
    if (classes < 2) {
      throw new IllegalArgumentException("classes must be >= 2, got " + classes);
    }
    if (logits.length != (long) n * classes) {
      throw new IllegalArgumentException("logits must have labels.length*classes = " + (long) n * classes
          + " values, got " + logits.length);
    }
    double[] loss = new double[n];
    double[] conf = new double[n];
    double[] phi = new double[n];
    for (int i = 0; i < n; i++) {
      int y = labels[i];
      if (y < 0 || y >= classes) {
        throw new IllegalArgumentException("label " + i + " must be in [0, " + classes + "), got " + y);
      }
      int off = i * classes;
      double max = Double.NEGATIVE_INFINITY;
      double maxOther = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < classes; k++) {
        max = Math.max(max, logits[off + k]);
        if (k != y) {
          maxOther = Math.max(maxOther, logits[off + k]);
        }
      }
      double sumAll = 0;
      double sumOther = 0;
      for (int k = 0; k < classes; k++) {
        sumAll += Math.exp(logits[off + k] - max);
        if (k != y) {
          sumOther += Math.exp(logits[off + k] - maxOther);
        }
      }
      double zy = logits[off + y];
      loss[i] = max + Math.log(sumAll) - zy;
      conf[i] = Math.exp(-loss[i]);
      phi[i] = zy - (maxOther + Math.log(sumOther));
    }
    return new Stats(loss, conf, phi);
  }
}
