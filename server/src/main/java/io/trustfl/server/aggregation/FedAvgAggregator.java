package io.trustfl.server.aggregation;

import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.ClipMath;
import io.trustfl.privacy.NoiseKey;
import java.util.Objects;

/**
 * Plain federated averaging (McMahan et al. 2017) with server-side re-clipping: validate each update, clip it to
 * {@link #clipNorm()}, sum it with its {@link Weighting weight}, and release {@code sum / Σ weights}. No privacy
 * noise; the DP aggregators wrap this one and replace only the release ({@link #finish(PartialAggregate, NoiseKey,
 * long, NoiseRelease)}).
 *
 * <p>Immutable and thread-safe.
 */
public final class FedAvgAggregator implements Aggregator {
  private final double clipNorm;
  private final Weighting weighting;

  /**
   * @param clipNorm the norm every update is clipped to on the server, finite and &gt; 0, or {@code +∞} for none
   * @param weighting how updates are weighted
   */
  public FedAvgAggregator(double clipNorm, Weighting weighting) {
    if (clipNorm != Double.POSITIVE_INFINITY) {
      ClipMath.requireClipNorm(clipNorm);
    }
    this.clipNorm = clipNorm;
    this.weighting = Objects.requireNonNull(weighting, "weighting");
  }

  /** Example-weighted FedAvg clipping each update to {@code clipNorm}. */
  public static FedAvgAggregator exampleWeighted(double clipNorm) {
    return new FedAvgAggregator(clipNorm, Weighting.EXAMPLES);
  }

  /** Uniformly weighted averaging clipping each update to {@code clipNorm} (the inner aggregator of DP). */
  public static FedAvgAggregator uniform(double clipNorm) {
    return new FedAvgAggregator(clipNorm, Weighting.UNIFORM);
  }

  /** The server clip norm ({@code +∞} for none). */
  public double clipNorm() {
    return clipNorm;
  }

  /** How updates are weighted. */
  public Weighting weighting() {
    return weighting;
  }

  /** The same aggregator with another clip norm (used by adaptive clipping, which moves C every round). */
  public FedAvgAggregator withClipNorm(double newClipNorm) {
    return new FedAvgAggregator(newClipNorm, weighting);
  }

  @Override
  public PartialAggregate open(Kernels kernels, RoundSpec spec) {
    return new PartialAggregate(kernels, spec, clipNorm, weighting);
  }

  /** Releases {@code sum / Σ weights}, without noise (zeros when nothing was accepted). */
  @Override
  public AggregateResult finish(PartialAggregate partial) {
    return finish(partial, null, 0, NoiseRelease.noiseless(partial.weightSum()));
  }

  /**
   * Releases {@code (sum + N(0, release.noiseStddev()²)) / release.denominator()}: the noise comes from the
   * ChaCha20 stream (key, nonce) at indexes 0 … D−1 and is added once to the sum.
   *
   * @param partial an aggregate of this aggregator's clip norm and weighting, not yet released
   * @param key noise key; may be null when {@code release.noiseStddev() == 0}
   * @param nonce stream nonce, unique per release under one key (the round number)
   * @param release noise and denominator
   */
  public AggregateResult finish(PartialAggregate partial, NoiseKey key, long nonce, NoiseRelease release) {
    Objects.requireNonNull(partial, "partial");
    Objects.requireNonNull(release, "release");
    if (Double.compare(partial.clipNorm(), clipNorm) != 0 || partial.weighting() != weighting) {
      throw new IllegalArgumentException("this partial aggregate was opened with clip norm " + partial.clipNorm()
          + " and " + partial.weighting() + " weighting, not by this aggregator (clip norm " + clipNorm + ", "
          + weighting + ")");
    }
    UpdateCounts counts = partial.counts();
    double[] sum = partial.release(key, nonce, release.noiseStddev());
    double denominator = release.denominator();
    if (denominator > 0) {
      double inv = 1.0 / denominator;
      for (int i = 0; i < sum.length; i++) {
        sum[i] *= inv;
      }
    } else {
      java.util.Arrays.fill(sum, 0.0);
    }
    return new AggregateResult(partial.spec().round(), sum, counts, clipNorm, release, clipNorm);
  }
}
