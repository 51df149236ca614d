package io.trustfl.fairness;

import java.util.ArrayList;
import java.util.List;

/**
 * Counterfactual probes: scores texts and their identity-swapped counterparts and reports the counterfactual token
 * fairness gap and the decision flip rate. Stateless and thread-safe.
 */
public final class CounterfactualProbe {
  private CounterfactualProbe() {}

  /**
   * Gap and flip rate of paired scores.
   *
   * @param original f(x) per pair
   * @param counterfactual f(x′) per pair, same length
   * @param threshold decision threshold (a decision is f ≥ threshold)
   * @throws IllegalArgumentException if lengths differ, no pair is given or a score is not finite
   */
  public static CounterfactualResult of(double[] original, double[] counterfactual, double threshold) {
    if (original.length != counterfactual.length) {
      throw new IllegalArgumentException("original and counterfactual must have one length, got "
          + original.length + " and " + counterfactual.length);
    }
    if (original.length == 0) {
      throw new IllegalArgumentException("a counterfactual probe needs at least one pair");
    }
    double gap = 0;
    int flips = 0;
    for (int i = 0; i < original.length; i++) {
      if (!Double.isFinite(original[i]) || !Double.isFinite(counterfactual[i])) {
        throw new IllegalArgumentException("scores must be finite, pair " + i + " has " + original[i] + " and "
            + counterfactual[i]);
      }
      gap += Math.abs(original[i] - counterfactual[i]);
      if ((original[i] >= threshold) != (counterfactual[i] >= threshold)) {
        flips++;
      }
    }
    return new CounterfactualResult(gap / original.length, (double) flips / original.length, threshold,
        original.length);
  }

  /**
   * Runs the probe on local texts: keeps those the swapper changes, scores them and their counterfactuals.
   *
   * @return the result, or one with {@code pairs = 0} and NaN gap and flip rate when no text mentions an identity
   *     term
   */
  public static CounterfactualResult run(ScoreFunction f, List<String> texts, GenderSwapper swapper,
      double threshold) {
    List<String> xs = new ArrayList<>();
    List<String> swapped = new ArrayList<>();
    for (String t : texts) {
      String s = swapper.swap(t);
      if (!s.equals(t)) {
        xs.add(t);
        swapped.add(s);
      }
    }
    if (xs.isEmpty()) {
      return new CounterfactualResult(Double.NaN, Double.NaN, threshold, 0);
    }
    return of(f.scores(xs), f.scores(swapped), threshold);
  }

  /**
   * Multi-class form: for each pair, the gap is |p_k(x) − p_k(x′)| for the class k predicted on x (argmax p(x)),
   * and a flip is a different argmax on x′; the threshold is reported as NaN.
   *
   * @param original class probabilities on x, one row per pair
   * @param counterfactual class probabilities on x′, same shape
   */
  public static CounterfactualResult ofDistributions(double[][] original, double[][] counterfactual) {
    if (original.length != counterfactual.length) {
      throw new IllegalArgumentException("original and counterfactual must have one length, got "
          + original.length + " and " + counterfactual.length);
    }
    if (original.length == 0) {
      throw new IllegalArgumentException("a counterfactual probe needs at least one pair");
    }
    double gap = 0;
    int flips = 0;
    for (int i = 0; i < original.length; i++) {
      if (original[i].length != counterfactual[i].length) {
        throw new IllegalArgumentException("pair " + i + " has " + original[i].length + " and "
            + counterfactual[i].length + " classes");
      }
      int k = Mitigation.argmax(original[i]);
      gap += Math.abs(original[i][k] - counterfactual[i][k]);
      if (Mitigation.argmax(counterfactual[i]) != k) {
        flips++;
      }
    }
    return new CounterfactualResult(gap / original.length, (double) flips / original.length, Double.NaN,
        original.length);
  }
}
