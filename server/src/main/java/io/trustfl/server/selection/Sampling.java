package io.trustfl.server.selection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Draws a sample with given inclusion probabilities (shared by the strategies). */
final class Sampling {
  private Sampling() {}

  static void checkTarget(int target) {
    if (target < 1) {
      throw new IllegalArgumentException("target must be >= 1, got " + target);
    }
  }

  /**
   * Probabilities proportional to {@code weights}, capped at 1, summing to {@code min(target, #positive)}: the
   * candidates whose share would exceed 1 get 1 and the rest is redistributed (iterated until no share exceeds 1).
   */
  static double[] proportionalCapped(double[] weights, int target) {
    int n = weights.length;
    double[] pi = new double[n];
    boolean[] capped = new boolean[n];
    int positive = 0;
    for (double w : weights) {
      if (w > 0) {
        positive++;
      }
    }
    double remaining = Math.min(target, positive);
    while (remaining > 0) {
      double total = 0;
      for (int i = 0; i < n; i++) {
        if (!capped[i]) {
          total += weights[i];
        }
      }
      boolean changed = false;
      for (int i = 0; i < n; i++) {
        if (!capped[i] && weights[i] > 0 && remaining * weights[i] / total >= 1.0) {
          capped[i] = true;
          pi[i] = 1.0;
          remaining -= 1.0;
          changed = true;
        }
      }
      if (!changed) {
        for (int i = 0; i < n; i++) {
          if (!capped[i]) {
            pi[i] = remaining * weights[i] / total;
          }
        }
        break;
      }
    }
    return pi;
  }

  static Selection draw(List<Candidate> candidates, double[] pi, SamplingScheme scheme, SplittableRandom random) {
    int n = candidates.size();
    boolean[] chosen = new boolean[n];
    if (scheme == SamplingScheme.POISSON) {
      for (int i = 0; i < n; i++) {
        chosen[i] = pi[i] >= 1.0 || (pi[i] > 0 && random.nextDouble() < pi[i]);
      }
    } else {
      systematic(pi, random, chosen);
    }
    List<Candidate> selected = new ArrayList<>();
    Map<String, Double> probabilities = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      Candidate c = candidates.get(i);
      if (probabilities.put(c.deviceId(), pi[i]) != null) {
        throw new IllegalArgumentException("device '" + c.deviceId() + "' is a candidate twice");
      }
      if (chosen[i]) {
        selected.add(c);
      }
    }
    return new Selection(selected, probabilities, scheme, 1);
  }

  /**
   * Randomized systematic sampling: candidates in a random order, cumulative π laid on a line, one uniform start u
   * and the points u, u+1, u+2, …; each point selects the candidate whose interval holds it. Marginal inclusion
   * probabilities are exactly π_i (each π_i ≤ 1, so no candidate is hit twice); the sample size is Σπ_i when that
   * sum is an integer.
   */
  private static void systematic(double[] pi, SplittableRandom random, boolean[] chosen) {
    int n = pi.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    double u = random.nextDouble();
    double cumulative = 0;
    for (int k = 0; k < n; k++) {
      int i = order[k];
      double before = cumulative;
      cumulative += pi[i];
      // Selected when an integer-spaced point u + j lies in [before, cumulative).
      double firstPoint = Math.ceil(before - u) + u;
      if (pi[i] >= 1.0 || (pi[i] > 0 && firstPoint < cumulative - 1e-12)) {
        chosen[i] = true;
      }
    }
  }
}
