package io.trustfl.server.aggregation;

import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.ChaChaGaussian;
import io.trustfl.privacy.NoiseKey;
import io.trustfl.proto.DpEvent;
import java.util.Objects;

/**
 * User-level DP-FedAvg with central noise (McMahan et al. 2018; REFERENCES.md §2): wraps a uniformly weighted
 * {@link FedAvgAggregator}, which validates and clips each client's delta to C and sums it; on release this wrapper
 * adds {@code N(0, (σ_Δ·C)²)} once to the sum and divides by the <em>expected</em> number of clients per round, never
 * the realized one (which is not private). With {@link AdaptiveClipping} C moves every round toward a target
 * quantile of the update norms and σ_Δ is the update's share of the total noise multiplier.
 *
 * <p><b>Accounting.</b> One round is one step of the subsampled Gaussian mechanism with noise multiplier
 * {@link #accountingNoiseMultiplier()} (σ, the total) and sampling rate q = the selection strategy's maximum
 * inclusion probability. This class does not step an accountant; the round loop does.
 *
 * <p><b>Noise.</b> Round r's sum noise is the ChaCha20 stream (key, nonce r) at indexes 0 … D−1, the count noise of
 * adaptive clipping index D of the same stream: one fresh key per task, so that no two releases share noise, while
 * re-finishing the same round after a crash re-draws the same noise (no extra leakage).
 *
 * <p><b>Restart.</b> The aggregator's state — the clip norm of the next round and the last released round — is
 * {@link #clipState()}; a round loop persists it with each released round and hands it to {@link #restore} of a
 * freshly built aggregator after a restart, so that adaptive clipping continues from the adapted C, not from C₀.
 *
 * <p>Not thread-safe (adaptive clipping state); rounds are finished one at a time, in increasing order.
 */
public final class CentralDpAggregator implements Aggregator {
  private final FedAvgAggregator inner;
  private final double noiseMultiplier;
  private final double updateNoiseMultiplier;
  private final double expectedClients;
  private final double fixedClipNorm;
  private final AdaptiveClipping adaptive;
  private final NoiseKey key;
  private long lastFinishedRound = -1;

  private CentralDpAggregator(Builder b) {
    this.inner = b.inner;
    this.noiseMultiplier = b.noiseMultiplier;
    this.expectedClients = b.expectedClients;
    this.fixedClipNorm = b.fixedClipNorm;
    this.adaptive = b.adaptive;
    this.key = b.key;
    this.updateNoiseMultiplier = adaptive == null ? noiseMultiplier
        : AdaptiveClipping.updateNoiseMultiplier(noiseMultiplier, adaptive.countNoiseStddev());
  }

  /** A builder; noise multiplier, expected clients and one clipping mode are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** σ, the total noise multiplier: what the accountant is stepped with each round. */
  public double accountingNoiseMultiplier() {
    return noiseMultiplier;
  }

  /** σ_Δ, the multiplier of the noise on the update sum (σ with fixed clipping). */
  public double updateNoiseMultiplier() {
    return updateNoiseMultiplier;
  }

  /**
   * The privacy event of one released round, for the round loop to hand to the accountant: the subsampled Gaussian
   * with the total noise multiplier σ and the given sampling rate.
   *
   * @param samplingRate q, the round's largest device inclusion probability
   *     ({@code io.trustfl.server.selection.Selection#maxInclusionProbability()}), in (0, 1]
   */
  public DpEvent dpEvent(double samplingRate) {
    if (!(samplingRate > 0 && samplingRate <= 1)) {
      throw new IllegalArgumentException("samplingRate must be in (0, 1], got " + samplingRate);
    }
    return DpEvent.newBuilder().setSamplingRate(samplingRate).setNoiseMultiplier(noiseMultiplier).setSteps(1)
        .build();
  }

  /** The expected number of clients per round (q·N), the denominator of the average. */
  public double expectedClients() {
    return expectedClients;
  }

  /** The clip norm the next opened round will use. */
  public double currentClipNorm() {
    return adaptive == null ? fixedClipNorm : adaptive.clipNorm();
  }

  /** True when the clip norm adapts every round. */
  public boolean isAdaptive() {
    return adaptive != null;
  }

  /**
   * The state a round loop persists after each released round: the clip norm the next round uses and the last
   * released round.
   */
  public ClipState clipState() {
    return new ClipState(currentClipNorm(), lastFinishedRound);
  }

  /**
   * The restore hook: continues from a persisted {@link #clipState()} — under adaptive clipping the next round is
   * clipped to the persisted, adapted C — and refuses to open or finish rounds up to the persisted last released
   * round. The state replaces this aggregator's, also when this aggregator has run rounds itself (a coordinator that
   * crashed after a release but before its checkpoint re-runs the round from the checkpoint; the release re-draws
   * the same noise, see the class comment).
   *
   * @param state the persisted state
   * @throws IllegalArgumentException under fixed clipping, when the persisted clip norm is not this aggregator's C
   *     (the configuration changed since the checkpoint)
   */
  public void restore(ClipState state) {
    Objects.requireNonNull(state, "state");
    if (adaptive == null) {
      if (Double.compare(state.clipNorm(), fixedClipNorm) != 0) {
        throw new IllegalArgumentException("the persisted clip norm " + state.clipNorm() + " is not this"
            + " aggregator's fixed clip norm " + fixedClipNorm + "; the configuration changed since the checkpoint:"
            + " resume with the clip norm the task was started with");
      }
    } else {
      adaptive.restore(state.clipNorm());
    }
    lastFinishedRound = state.lastReleasedRound();
  }

  @Override
  public PartialAggregate open(Kernels kernels, RoundSpec spec) {
    if (spec.round() <= lastFinishedRound) {
      throw new IllegalStateException("round " + spec.round() + " was already released (last released round "
          + lastFinishedRound + "); releasing it again would spend privacy budget twice");
    }
    return inner.withClipNorm(currentClipNorm()).open(kernels, spec);
  }

  /**
   * Adds the noise, divides by the expected number of clients and, under adaptive clipping, moves the clip norm
   * with the noisy fraction of unclipped updates.
   */
  @Override
  public AggregateResult finish(PartialAggregate partial) {
    Objects.requireNonNull(partial, "partial");
    long round = partial.spec().round();
    if (round <= lastFinishedRound) {
      throw new IllegalStateException("round " + round + " was already released (last released round "
          + lastFinishedRound + ")");
    }
    double c = currentClipNorm();
    if (Double.compare(partial.clipNorm(), c) != 0) {
      throw new IllegalArgumentException("the partial aggregate was clipped to " + partial.clipNorm()
          + " but this round's clip norm is " + c + "; open rounds with this aggregator and finish them in order");
    }
    NoiseRelease release = new NoiseRelease(updateNoiseMultiplier, updateNoiseMultiplier * c, expectedClients);
    long withinClip = partial.counts().withinClip();
    int dim = partial.dimension();
    AggregateResult result = inner.withClipNorm(c).finish(partial, key, round, release);
    lastFinishedRound = round;
    if (adaptive == null) {
      return result;
    }
    double[] z = new double[1];
    ChaChaGaussian.normals(key, round, dim, z, 0, 1);
    double next = adaptive.update(withinClip, expectedClients, z[0]);
    return result.withNextClipNorm(next);
  }

  /**
   * The persistent state of a {@link CentralDpAggregator} ({@link #clipState()}, {@link #restore}).
   *
   * @param clipNorm the clip norm of the next round (the adapted one under adaptive clipping), finite and &gt; 0
   * @param lastReleasedRound the last released round, or −1 before the first release
   */
  public record ClipState(double clipNorm, long lastReleasedRound) {
    /** Validates both fields. */
    public ClipState {
      if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
        throw new IllegalArgumentException("clipNorm must be finite and > 0, got " + clipNorm);
      }
      if (lastReleasedRound < -1) {
        throw new IllegalArgumentException("lastReleasedRound must be >= -1, got " + lastReleasedRound);
      }
    }
  }

  /** Builds a {@link CentralDpAggregator}, validating every parameter once. */
  public static final class Builder {
    private FedAvgAggregator inner = FedAvgAggregator.uniform(Double.POSITIVE_INFINITY);
    private double noiseMultiplier = Double.NaN;
    private double expectedClients = Double.NaN;
    private double fixedClipNorm = Double.NaN;
    private AdaptiveClipping adaptive;
    private NoiseKey key;

    private Builder() {}

    /** The plain aggregator to wrap; must use {@link Weighting#UNIFORM}. Default: uniform FedAvg. */
    public Builder wrapping(FedAvgAggregator plain) {
      this.inner = Objects.requireNonNull(plain, "plain");
      return this;
    }

    /** σ, the total noise multiplier (noise std σ·C on the sum with fixed clipping), finite and &gt; 0. */
    public Builder noiseMultiplier(double sigma) {
      this.noiseMultiplier = sigma;
      return this;
    }

    /** The expected number of clients per round, q·N, &gt; 0. */
    public Builder expectedClientsPerRound(double expected) {
      this.expectedClients = expected;
      return this;
    }

    /** Fixed clipping at C. */
    public Builder fixedClipNorm(double clipNorm) {
      this.fixedClipNorm = clipNorm;
      this.adaptive = null;
      return this;
    }

    /** Adaptive clipping (state is kept in the given object). */
    public Builder adaptiveClipping(AdaptiveClipping clipping) {
      this.adaptive = Objects.requireNonNull(clipping, "clipping");
      this.fixedClipNorm = Double.NaN;
      return this;
    }

    /** The noise key; use {@link NoiseKey#random()} (the default) outside tests. */
    public Builder noiseKey(NoiseKey noiseKey) {
      this.key = Objects.requireNonNull(noiseKey, "noiseKey");
      return this;
    }

    /** Validates and builds. */
    public CentralDpAggregator build() {
      if (inner.weighting() != Weighting.UNIFORM) {
        throw new IllegalArgumentException("central DP needs Weighting.UNIFORM: example-count weights are"
            + " unbounded, so one user's influence on the sum would exceed the clip norm and the noise would not"
            + " cover it; wrap FedAvgAggregator.uniform(...)");
      }
      if (!(noiseMultiplier > 0) || Double.isInfinite(noiseMultiplier)) {
        throw new IllegalArgumentException("noiseMultiplier must be finite and > 0, got " + noiseMultiplier
            + " (for no noise use FedAvgAggregator directly)");
      }
      if (!(expectedClients > 0) || Double.isInfinite(expectedClients)) {
        throw new IllegalArgumentException("expectedClientsPerRound must be finite and > 0, got "
            + expectedClients);
      }
      if (adaptive == null && (!(fixedClipNorm > 0) || Double.isInfinite(fixedClipNorm))) {
        throw new IllegalArgumentException("central DP needs a finite clip norm > 0 (fixedClipNorm) or adaptive"
            + " clipping; got clipNorm " + fixedClipNorm + ": without clipping one user's influence is unbounded");
      }
      if (key == null) {
        key = NoiseKey.random();
      }
      return new CentralDpAggregator(this);
    }
  }
}
