package io.trustfl.server.selection;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Selects more devices than needed to absorb expected dropout, and sets a minimum quorum of reports for the round
 * to complete (Bonawitz et al., "Towards Federated Learning at Scale", 2019, select ~130% of the target). Wraps any
 * strategy: for a target k it asks the inner strategy for {@code ceil(k / (1 − dropout))} devices, so the inclusion
 * probabilities (and the accountant's q) are those of the inflated target. Immutable and thread-safe.
 */
public final class OverSelection implements SelectionStrategy {
  private final SelectionStrategy inner;
  private final double expectedDropout;
  private final int minimumQuorum;

  /**
   * @param inner the strategy that draws
   * @param expectedDropout expected fraction of selected devices that never report, in [0, 1)
   * @param minimumQuorum reports needed for the round to complete, ≥ 1
   */
  public OverSelection(SelectionStrategy inner, double expectedDropout, int minimumQuorum) {
    this.inner = Objects.requireNonNull(inner, "inner");
    if (!(expectedDropout >= 0 && expectedDropout < 1)) {
      throw new IllegalArgumentException("expectedDropout must be in [0, 1), got " + expectedDropout);
    }
    if (minimumQuorum < 1) {
      throw new IllegalArgumentException("minimumQuorum must be >= 1, got " + minimumQuorum);
    }
    this.expectedDropout = expectedDropout;
    this.minimumQuorum = minimumQuorum;
  }

  /** The number actually requested from the inner strategy for a target k. */
  public int inflatedTarget(int target) {
    Sampling.checkTarget(target);
    if (minimumQuorum > target) {
      throw new IllegalArgumentException("minimumQuorum " + minimumQuorum + " exceeds the target " + target
          + ": the round could never complete with the devices it wants");
    }
    // The small epsilon keeps 10 / (1 - 0.2) = 12.5 -> 13 but 10 / (1 - 0.5) = 20 from becoming 21.
    return (int) Math.min(Integer.MAX_VALUE, Math.ceil(target / (1.0 - expectedDropout) - 1e-9));
  }

  /** Reports needed for a round to complete. */
  public int minimumQuorum() {
    return minimumQuorum;
  }

  @Override
  public double[] inclusionProbabilities(List<Candidate> candidates, int target) {
    return inner.inclusionProbabilities(candidates, inflatedTarget(target));
  }

  @Override
  public Selection select(List<Candidate> candidates, int target, SplittableRandom random) {
    return inner.select(candidates, inflatedTarget(target), random).withQuorum(minimumQuorum);
  }
}
