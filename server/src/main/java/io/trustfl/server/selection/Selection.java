package io.trustfl.server.selection;

import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The outcome of one round's selection.
 *
 * @param selected the chosen devices, in candidate order
 * @param inclusionProbabilities every candidate's probability of being selected this round, by device id
 * @param scheme how they were drawn
 * @param minimumQuorum reports needed for the round to complete (1 unless {@link OverSelection} sets it)
 */
public record Selection(List<Candidate> selected, Map<String, Double> inclusionProbabilities,
    SamplingScheme scheme, int minimumQuorum) {

  /** Validates and copies. */
  public Selection {
    selected = List.copyOf(selected);
    inclusionProbabilities = Collections.unmodifiableMap(new LinkedHashMap<>(inclusionProbabilities));
    Objects.requireNonNull(scheme, "scheme");
    if (minimumQuorum < 1) {
      throw new IllegalArgumentException("minimumQuorum must be >= 1, got " + minimumQuorum);
    }
  }

  /**
   * The sampling rate q the privacy accountant must use this round: the largest inclusion probability of any
   * candidate (an upper bound for every device under {@link SamplingScheme#POISSON}; see the package notes for
   * {@link SamplingScheme#FIXED_SIZE}). 0 when there were no candidates.
   */
  public double maxInclusionProbability() {
    double max = 0;
    for (double p : inclusionProbabilities.values()) {
      max = Math.max(max, p);
    }
    return max;
  }

  /** Σπ_i, the expected number of selected devices. */
  public double expectedCount() {
    double s = 0;
    for (double p : inclusionProbabilities.values()) {
      s += p;
    }
    return s;
  }

  /** Whether {@code reports} accepted updates meet the quorum. */
  public boolean quorumMet(int reports) {
    return reports >= minimumQuorum;
  }

  /** The same selection with another quorum. */
  Selection withQuorum(int quorum) {
    return new Selection(selected, inclusionProbabilities, scheme, quorum);
  }

  /** A {@link SplittableRandom} seeded from {@link SecureRandom}, for production selection. */
  public static SplittableRandom secureRandom() {
    return new SplittableRandom(new SecureRandom().nextLong());
  }
}
