package io.trustfl.train;

import java.util.Objects;

/**
 * DP-SGD settings (Abadi et al. 2016): per-example clip norm C and how the noise multiplier σ is chosen. Each step
 * adds N(0, (σC)²) to the sum of clipped per-example gradients and divides by the expected batch size.
 *
 * @param clipNorm C, finite and &gt; 0
 * @param noise a fixed σ, or calibration to the ledger's budget
 */
public record DpSgdSpec(double clipNorm, Noise noise) {
  /** Validates the clip norm. */
  public DpSgdSpec {
    if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("clipNorm must be finite and > 0, got " + clipNorm);
    }
    Objects.requireNonNull(noise, "noise");
  }

  /** DP-SGD with a given noise multiplier. */
  public static DpSgdSpec withNoiseMultiplier(double clipNorm, double noiseMultiplier) {
    return new DpSgdSpec(clipNorm, new Noise.Multiplier(noiseMultiplier));
  }

  /** DP-SGD whose σ is the smallest that keeps the whole planned run within the ledger's budget. */
  public static DpSgdSpec calibratedToBudget(double clipNorm) {
    return new DpSgdSpec(clipNorm, new Noise.CalibratedToBudget());
  }

  /** How σ is chosen. */
  public sealed interface Noise permits Noise.Multiplier, Noise.CalibratedToBudget {
    /**
     * A fixed noise multiplier.
     *
     * @param sigma σ, finite and &gt; 0 (σ = 0 would release raw gradients and is refused)
     */
    record Multiplier(double sigma) implements Noise {
      /** Validates σ. */
      public Multiplier {
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
          throw new IllegalArgumentException("noise multiplier must be finite and > 0, got " + sigma
              + " (sigma = 0 releases unprotected gradients; train without DP instead)");
        }
      }
    }

    /** σ calibrated so that the planned number of steps at the sampling rate spends exactly the remaining budget. */
    record CalibratedToBudget() implements Noise {}
  }
}
