package io.trustfl.privacy;

import io.trustfl.privacy.analysis.DpParams;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;

/**
 * Noise calibration: the smallest noise multiplier σ that meets a target (ε, δ) for a given sampling rate and number
 * of steps. ε is non-increasing in σ, so σ is found by bracketing and bisection; the returned σ is the upper end of
 * the final bracket, which always meets the target (the safe side), and lies within {@code precision} of the exact
 * root.
 *
 * <p>Pure functions; thread-safe.
 */
public final class NoiseCalibration {
  /** No σ above this is searched; a target that needs more is reported as unreachable. */
  static final double MAX_SIGMA = 1e6;
  /** The search stops at this σ from below; the target is met by any larger σ then. */
  static final double MIN_SIGMA = 1e-6;

  private NoiseCalibration() {}

  /**
   * The smallest σ meeting the target, with RDP over the Opacus orders or PLD with its default discretization.
   *
   * @param kind the accountant
   * @param samplingRate q in (0, 1]
   * @param steps number of steps ≥ 1
   * @param target the (ε, δ) to meet
   * @param precision absolute precision in σ, &gt; 0
   * @return σ with ε(σ) ≤ target ε and σ − precision &lt; σ* ≤ σ, σ* the exact root
   */
  public static double noiseMultiplier(AccountantKind kind, double samplingRate, long steps, PrivacyBudget target,
      double precision) {
    Objects.requireNonNull(kind, "kind");
    return switch (kind) {
      case RDP -> noiseMultiplier(RdpOrders.OPACUS, samplingRate, steps, target, precision);
      case PLD -> noiseMultiplierPld(PldAccountant.DEFAULT_VALUE_DISCRETIZATION, samplingRate, steps, target,
          precision);
    };
  }

  /** As {@link #noiseMultiplier(AccountantKind, double, long, PrivacyBudget, double)} with RDP over {@code orders}. */
  public static double noiseMultiplier(RdpOrders orders, double samplingRate, long steps, PrivacyBudget target,
      double precision) {
    Objects.requireNonNull(orders, "orders");
    return solve(samplingRate, steps, target, precision, sigma -> {
      RdpAccountant a = new RdpAccountant(orders);
      a.compose(samplingRate, sigma, steps);
      return a.epsilon(target.delta());
    });
  }

  /**
   * As {@link #noiseMultiplier(AccountantKind, double, long, PrivacyBudget, double)} with PLD at the given grid
   * width.
   */
  public static double noiseMultiplierPld(double valueDiscretization, double samplingRate, long steps,
      PrivacyBudget target, double precision) {
    new PldAccountant(valueDiscretization); // validates
    return solve(samplingRate, steps, target, precision, sigma -> {
      PldAccountant a = new PldAccountant(valueDiscretization);
      a.compose(samplingRate, sigma, steps);
      return a.epsilon(target.delta());
    });
  }

  private static double solve(double q, long steps, PrivacyBudget target, double precision,
      DoubleUnaryOperator epsilonOf) {
    DpParams.samplingRate(q);
    Objects.requireNonNull(target, "target");
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1 for calibration, got " + steps);
    }
    if (!(precision > 0 && precision < 1)) {
      throw new IllegalArgumentException("precision must be in (0, 1), got " + precision);
    }
    double eps = target.epsilon();
    // Bracket: ε(hi) ≤ target < ε(lo).
    double hi = 1;
    while (epsilonOf.applyAsDouble(hi) > eps) {
      hi *= 2;
      if (hi > MAX_SIGMA) {
        throw new IllegalArgumentException("target " + target + " is unreachable for samplingRate " + q
            + " and steps " + steps + " with noiseMultiplier <= " + MAX_SIGMA);
      }
    }
    double lo = hi / 2;
    while (epsilonOf.applyAsDouble(lo) <= eps) {
      hi = lo;
      lo /= 2;
      if (lo < MIN_SIGMA) {
        return hi;
      }
    }
    while (hi - lo > precision) {
      double mid = 0.5 * (lo + hi);
      if (epsilonOf.applyAsDouble(mid) <= eps) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }
}
