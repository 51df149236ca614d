package io.trustfl.server.selection;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Probability proportional to device activity, the number of examples available (Amazon, ICASSP 2022):
 * {@code π_i = min(1, c·a_i)} with c such that {@code Σπ_i = k} (devices whose share would exceed 1 are taken
 * surely and the rest redistributed). A device with no examples is never selected. Immutable and thread-safe.
 *
 * <p>Privacy: the largest π_i can be far above k/N (a device with many examples), and the accountant must use it
 * as q; see the package notes.
 */
public final class ActivityProportionalSelection implements SelectionStrategy {
  private final SamplingScheme scheme;

  /** @param scheme Poisson (independent) or fixed-size (randomized systematic sampling) */
  public ActivityProportionalSelection(SamplingScheme scheme) {
    this.scheme = Objects.requireNonNull(scheme, "scheme");
  }

  @Override
  public double[] inclusionProbabilities(List<Candidate> candidates, int target) {
    Sampling.checkTarget(target);
    double[] w = new double[candidates.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = candidates.get(i).activity();
    }
    return Sampling.proportionalCapped(w, target);
  }

  @Override
  public Selection select(List<Candidate> candidates, int target, SplittableRandom random) {
    return Sampling.draw(candidates, inclusionProbabilities(candidates, target), scheme, random);
  }
}
