package io.trustfl.server.selection;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses the devices of a round among the eligible candidates. Implementations are immutable and thread-safe; the
 * randomness is the caller's.
 */
public interface SelectionStrategy {

  /**
   * Each candidate's probability of being selected when {@code target} devices are wanted, in candidate order;
   * they sum to {@code min(target, number of candidates that can be selected)}.
   *
   * @param target wanted number of devices, ≥ 1
   */
  double[] inclusionProbabilities(List<Candidate> candidates, int target);

  /**
   * Draws this round's devices.
   *
   * @param target wanted number of devices (the expected number under {@link SamplingScheme#POISSON}), ≥ 1
   * @param random the sampling randomness (see the package notes)
   */
  Selection select(List<Candidate> candidates, int target, SplittableRandom random);

  /** The accountant's sampling rate for this round: the largest of {@link #inclusionProbabilities}. */
  default double maxInclusionProbability(List<Candidate> candidates, int target) {
    double max = 0;
    for (double p : inclusionProbabilities(candidates, target)) {
      max = Math.max(max, p);
    }
    return max;
  }
}
