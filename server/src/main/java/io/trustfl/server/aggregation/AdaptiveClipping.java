package io.trustfl.server.aggregation;

/**
 * Adaptive clipping by private quantile estimation (Andrew, Thakkar, McMahan, Ramaswamy, "Differentially Private
 * Learning with Adaptive Clipping", NeurIPS 2021), as in TFF and Flower. Each round the server counts the updates
 * with {@code ‖Δ‖ ≤ C}, privatizes the fraction {@code b̃ = (Σ 1[‖Δ_i‖ ≤ C] + N(0, σ_b²)) / n} and moves the clip
 * norm geometrically toward the target quantile: {@code C ← C·exp(−η·(b̃ − γ))}.
 *
 * <p>The count noise spends privacy budget: with total noise multiplier σ, the update sum gets the smaller share
 * {@code σ_Δ = (σ⁻² − (2σ_b)⁻²)^(−1/2)} ({@link #updateNoiseMultiplier}), so that the pair of releases costs as much
 * as one Gaussian release with multiplier σ (the count's sensitivity is 1/2 after centring, hence the 2).
 *
 * <p>Mutable state (the current clip norm); not thread-safe. The round loop persists {@link #clipNorm()} and, after
 * a restart, continues with {@link #restore} (this object) or {@link #resume} (a copy).
 */
public final class AdaptiveClipping {
  /** Default initial clip norm C₀ (TFF, Flower). */
  public static final double DEFAULT_INITIAL_CLIP_NORM = 0.1;
  /** Default target quantile γ. */
  public static final double DEFAULT_TARGET_QUANTILE = 0.5;
  /** Default geometric learning rate η. */
  public static final double DEFAULT_LEARNING_RATE = 0.2;

  private final double targetQuantile;
  private final double learningRate;
  private final double countNoiseStddev;
  private double clipNorm;

  private AdaptiveClipping(double clipNorm, double targetQuantile, double learningRate, double countNoiseStddev) {
    if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("clipNorm must be finite and > 0, got " + clipNorm);
    }
    if (!(targetQuantile >= 0 && targetQuantile <= 1)) {
      throw new IllegalArgumentException("targetQuantile must be in [0, 1], got " + targetQuantile);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
    }
    if (!(countNoiseStddev > 0) || Double.isInfinite(countNoiseStddev)) {
      throw new IllegalArgumentException("countNoiseStddev (sigma_b) must be finite and > 0, got "
          + countNoiseStddev + ": a noiseless count of unclipped updates is not differentially private");
    }
    this.clipNorm = clipNorm;
    this.targetQuantile = targetQuantile;
    this.learningRate = learningRate;
    this.countNoiseStddev = countNoiseStddev;
  }

  /**
   * Adaptive clipping with the TFF/Flower defaults: C₀ = 0.1, γ = 0.5, η = 0.2, σ_b = n/20.
   *
   * @param expectedClientsPerRound n, the expected number of clients per round, &gt; 0
   */
  public static AdaptiveClipping withDefaults(double expectedClientsPerRound) {
    if (!(expectedClientsPerRound > 0) || Double.isInfinite(expectedClientsPerRound)) {
      throw new IllegalArgumentException("expectedClientsPerRound must be finite and > 0, got "
          + expectedClientsPerRound);
    }
    return new AdaptiveClipping(DEFAULT_INITIAL_CLIP_NORM, DEFAULT_TARGET_QUANTILE, DEFAULT_LEARNING_RATE,
        expectedClientsPerRound / 20.0);
  }

  /**
   * Adaptive clipping with explicit parameters.
   *
   * @param initialClipNorm C₀, finite and &gt; 0
   * @param targetQuantile γ in [0, 1]
   * @param learningRate η, finite and &gt; 0
   * @param countNoiseStddev σ_b, the standard deviation of the noise on the unclipped count, finite and &gt; 0
   */
  public static AdaptiveClipping of(double initialClipNorm, double targetQuantile, double learningRate,
      double countNoiseStddev) {
    return new AdaptiveClipping(initialClipNorm, targetQuantile, learningRate, countNoiseStddev);
  }

  /** The same parameters, resumed at a persisted clip norm. */
  public AdaptiveClipping resume(double currentClipNorm) {
    return new AdaptiveClipping(currentClipNorm, targetQuantile, learningRate, countNoiseStddev);
  }

  /**
   * Sets the current clip norm to a persisted one, so that a restarted round loop continues from the adapted value
   * rather than the initial C₀. The parameters (γ, η, σ_b) are this object's.
   *
   * @param currentClipNorm the clip norm persisted after the last released round, finite and &gt; 0
   */
  public void restore(double currentClipNorm) {
    if (!(currentClipNorm > 0) || Double.isInfinite(currentClipNorm)) {
      throw new IllegalArgumentException("clipNorm must be finite and > 0, got " + currentClipNorm);
    }
    clipNorm = currentClipNorm;
  }

  /** The clip norm for the current round. */
  public double clipNorm() {
    return clipNorm;
  }

  /** Target quantile γ. */
  public double targetQuantile() {
    return targetQuantile;
  }

  /** Geometric learning rate η. */
  public double learningRate() {
    return learningRate;
  }

  /** Standard deviation σ_b of the noise on the unclipped count. */
  public double countNoiseStddev() {
    return countNoiseStddev;
  }

  /**
   * Ends a round: moves the clip norm with the noisy unclipped fraction.
   *
   * @param withinClipCount updates of the round with {@code ‖Δ‖ ≤ C}
   * @param expectedClients n, the expected number of clients per round (the denominator; never the realized count,
   *     which is not private)
   * @param standardNormal a N(0, 1) draw from the privacy noise stream
   * @return the new clip norm (also stored)
   */
  public double update(long withinClipCount, double expectedClients, double standardNormal) {
    clipNorm = nextClipNorm(clipNorm, withinClipCount, expectedClients, standardNormal * countNoiseStddev,
        targetQuantile, learningRate);
    return clipNorm;
  }

  /**
   * The geometric update {@code C·exp(−η·((count + noise)/n − γ))}.
   *
   * @param countNoise the noise added to the count, already scaled by σ_b
   */
  public static double nextClipNorm(double clipNorm, long withinClipCount, double expectedClients,
      double countNoise, double targetQuantile, double learningRate) {
    if (withinClipCount < 0) {
      throw new IllegalArgumentException("withinClipCount must be >= 0, got " + withinClipCount);
    }
    if (!(expectedClients > 0) || Double.isInfinite(expectedClients)) {
      throw new IllegalArgumentException("expectedClients must be finite and > 0, got " + expectedClients);
    }
    double noisyFraction = (withinClipCount + countNoise) / expectedClients;
    return clipNorm * Math.exp(-learningRate * (noisyFraction - targetQuantile));
  }

  /**
   * The noise multiplier left for the update sum when the count takes noise σ_b out of a total σ:
   * {@code σ_Δ = (σ⁻² − (2σ_b)⁻²)^(−1/2)}.
   *
   * @param totalNoiseMultiplier σ, finite and &gt; 0: the multiplier the accountant is stepped with
   * @param countNoiseStddev σ_b, must exceed σ/2
   * @throws IllegalArgumentException when {@code 2σ_b ≤ σ}: the count alone would spend the whole budget
   */
  public static double updateNoiseMultiplier(double totalNoiseMultiplier, double countNoiseStddev) {
    if (!(totalNoiseMultiplier > 0) || Double.isInfinite(totalNoiseMultiplier)) {
      throw new IllegalArgumentException("noiseMultiplier must be finite and > 0, got " + totalNoiseMultiplier);
    }
    if (!(2 * countNoiseStddev > totalNoiseMultiplier)) {
      throw new IllegalArgumentException("countNoiseStddev (sigma_b) must be > noiseMultiplier / 2 = "
          + totalNoiseMultiplier / 2 + ", got " + countNoiseStddev + ": with less count noise the clip-norm"
          + " estimate alone spends the whole privacy budget; use more clients per round (sigma_b = n/20 by"
          + " default) or a smaller noise multiplier");
    }
    double inv = 1.0 / (totalNoiseMultiplier * totalNoiseMultiplier)
        - 1.0 / (4.0 * countNoiseStddev * countNoiseStddev);
    return 1.0 / Math.sqrt(inv);
  }
}
