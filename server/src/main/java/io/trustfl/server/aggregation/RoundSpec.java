package io.trustfl.server.aggregation;

import java.util.Objects;

/**
 * What a valid update of one round must match: task, round, model bundle, tensor layout, and sanity bounds that no
 * honest device exceeds.
 *
 * @param taskId the task the updates must name
 * @param round the round number the updates must carry
 * @param modelChecksum hex sha256 of the model bundle the devices were told to train, or "" to not check it
 * @param layout the global model's tensor names and shapes
 * @param maxNorm sanity bound on an update's L2 norm before server clipping; updates above it are rejected
 *     ({@link RejectionReason#NORM_TOO_LARGE}) rather than clipped: a delta that large is a bug or an attack.
 *     Finite and &gt; 0.
 * @param maxExamples largest plausible {@code example_count}; ≥ 1
 */
public record RoundSpec(String taskId, long round, String modelChecksum, ModelLayout layout, double maxNorm,
    long maxExamples) {

  /** Validates every field. */
  public RoundSpec {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(modelChecksum, "modelChecksum");
    Objects.requireNonNull(layout, "layout");
    if (round < 0) {
      throw new IllegalArgumentException("round must be >= 0, got " + round);
    }
    if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException("maxNorm must be finite and > 0, got " + maxNorm);
    }
    if (maxExamples < 1) {
      throw new IllegalArgumentException("maxExamples must be >= 1, got " + maxExamples);
    }
  }

  /** A spec that does not check the model checksum, with a norm bound and at most 10⁹ examples per update. */
  public static RoundSpec of(String taskId, long round, ModelLayout layout, double maxNorm) {
    return new RoundSpec(taskId, round, "", layout, maxNorm, 1_000_000_000L);
  }
}
