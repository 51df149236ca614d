package io.trustfl.server.aggregation;

import io.trustfl.kernels.Kernels;
import java.util.Objects;

/**
 * Aggregation under local DP: each device clipped its delta and added its own Gaussian noise before upload, so the
 * server adds none. Wraps a uniformly weighted {@link FedAvgAggregator} (example counts are not privatized by the
 * device, so they must not weight the average) and divides by the number of accepted updates, which is
 * post-processing of already private releases.
 *
 * <p>Server clipping still bounds what a malicious device can do, but a noised update's norm is about
 * {@code C·√(1 + σ²·D)}: give the inner aggregator a clip norm at or above that (or {@code +∞}), not the devices' C,
 * or the server would shrink every honest update. Immutable and thread-safe.
 */
public final class LocalDpAggregator implements Aggregator {
  private final FedAvgAggregator inner;

  /**
   * @param inner a uniformly weighted plain aggregator
   */
  public LocalDpAggregator(FedAvgAggregator inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
    if (inner.weighting() != Weighting.UNIFORM) {
      throw new IllegalArgumentException("local DP needs Weighting.UNIFORM: devices do not privatize their example"
          + " counts, so weighting by them would leak; wrap FedAvgAggregator.uniform(...)");
    }
  }

  /**
   * A norm bound that an honest locally-noised update stays under with overwhelming probability:
   * {@code C·(1 + σ·(√D + 10))} (the noise norm concentrates at {@code σC√D} with O(σC) spread).
   */
  public static double noisyNormBound(double deviceClipNorm, double localNoiseMultiplier, int dimension) {
    return deviceClipNorm * (1 + localNoiseMultiplier * (Math.sqrt(dimension) + 10));
  }

  @Override
  public PartialAggregate open(Kernels kernels, RoundSpec spec) {
    return inner.open(kernels, spec);
  }

  @Override
  public AggregateResult finish(PartialAggregate partial) {
    return inner.finish(partial, null, partial.spec().round(), NoiseRelease.noiseless(partial.weightSum()));
  }
}
