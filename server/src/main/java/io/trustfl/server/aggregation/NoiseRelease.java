package io.trustfl.server.aggregation;

/**
 * How a round's sum was turned into the released average.
 *
 * @param noiseMultiplier the noise multiplier applied to the sum (0 without server noise); under adaptive clipping
 *     this is the update share σ_Δ, not the total σ the accountant uses
 * @param noiseStddev standard deviation of the Gaussian noise added to each coordinate of the sum (σ_Δ·C), ≥ 0
 * @param denominator what the noisy sum was divided by: the weight sum (plain FedAvg), the number of accepted
 *     updates (local DP) or the expected number of clients (central DP); 0 means nothing was accepted and the
 *     average is zero
 */
public record NoiseRelease(double noiseMultiplier, double noiseStddev, double denominator) {

  /** Validates: all finite and ≥ 0. */
  public NoiseRelease {
    if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
      throw new IllegalArgumentException("noiseMultiplier must be finite and >= 0, got " + noiseMultiplier);
    }
    if (!(noiseStddev >= 0) || Double.isInfinite(noiseStddev)) {
      throw new IllegalArgumentException("noiseStddev must be finite and >= 0, got " + noiseStddev);
    }
    if (!(denominator >= 0) || Double.isInfinite(denominator)) {
      throw new IllegalArgumentException("denominator must be finite and >= 0, got " + denominator);
    }
  }

  /** No noise; divide by {@code denominator}. */
  public static NoiseRelease noiseless(double denominator) {
    return new NoiseRelease(0.0, 0.0, denominator);
  }
}
