package io.trustfl.server.selection;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Every candidate with the same probability {@code min(1, k/N)} (the baseline of the device-selection study and of
 * DP-FedAvg's accounting). Immutable and thread-safe.
 */
public final class UniformSelection implements SelectionStrategy {
  private final SamplingScheme scheme;

  /** @param scheme Poisson (independent) or fixed-size (simple random sampling without replacement) */
  public UniformSelection(SamplingScheme scheme) {
    this.scheme = Objects.requireNonNull(scheme, "scheme");
  }

  @Override
  public double[] inclusionProbabilities(List<Candidate> candidates, int target) {
    Sampling.checkTarget(target);
    double[] pi = new double[candidates.size()];
    if (!candidates.isEmpty()) {
      Arrays.fill(pi, Math.min(1.0, (double) target / candidates.size()));
    }
    return pi;
  }

  @Override
  public Selection select(List<Candidate> candidates, int target, SplittableRandom random) {
    return Sampling.draw(candidates, inclusionProbabilities(candidates, target), scheme, random);
  }
}
