package io.trustfl.server.aggregation;

import java.util.Objects;

/**
 * A released round aggregate: the average delta to hand to a {@link ServerOptimizer}, and what happened to the
 * round's updates.
 *
 * @param round the round number
 * @param meanDelta the (noisy, under central DP) average delta, length D; the caller owns this array
 * @param counts accepted, clipped and rejected-by-reason counts. Under central DP these counts are not
 *     differentially private: log them for operators, never release them.
 * @param clipNorm the clip norm the server applied this round ({@code +∞} for none)
 * @param release noise and denominator used
 * @param nextClipNorm the clip norm for the next round (differs from {@code clipNorm} under adaptive clipping)
 */
public record AggregateResult(long round, double[] meanDelta, UpdateCounts counts, double clipNorm,
    NoiseRelease release, double nextClipNorm) {

  /** Checks for nulls. The delta array is not copied (it can be large); do not share it. */
  public AggregateResult {
    Objects.requireNonNull(meanDelta, "meanDelta");
    Objects.requireNonNull(counts, "counts");
    Objects.requireNonNull(release, "release");
  }

  /** The same result with another next-round clip norm. */
  AggregateResult withNextClipNorm(double next) {
    return new AggregateResult(round, meanDelta, counts, clipNorm, release, next);
  }
}
