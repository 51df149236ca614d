package io.trustfl.privacy.analysis;

/**
 * Rényi differential privacy of the Poisson-subsampled Gaussian mechanism (Mironov, Talwar, Zhang 2019, "Rényi
 * Differential Privacy of the Sampled Gaussian Mechanism") and its conversion to (ε, δ).
 *
 * <p>With sampling rate q and noise multiplier σ, one step has RDP(α) = log(A_α)/(α − 1) where
 * A_α = E_{z∼N(0,σ²)}[((1 − q) + q·exp((2z − 1)/(2σ²)))^α]. Integer orders use the exact binomial sum
 * A_α = Σ_k C(α,k)(1 − q)^{α−k} q^k exp((k² − k)/(2σ²)); fractional orders use the paper's two signed series
 * (Section 3.3), both evaluated in log space as Opacus and TensorFlow Privacy do. For q = 1 RDP(α) = α/(2σ²).
 * RDP composes additively over steps.
 *
 * <p>The conversion to ε is the improved bound of Balle et al. 2020 (Proposition 12 of arXiv:2004.00010;
 * also Canonne, Kamath, Steinke 2020): ε = min_α [ RDP(α) + log((α − 1)/α) − (log δ + log α)/(α − 1) ], with
 * ε = 0 where the KL bound already gives δ ≥ √(1 − e^{−RDP}) (as Google's dp_accounting).
 *
 * <p>Pure functions; thread-safe.
 */
public final class Rdp {
  /** The fractional series stops once both of its terms fall below e^−30 relative to 1. */
  private static final double SERIES_CUTOFF = -30;
  /** Hard cap on fractional-series terms; reaching it is an error rather than a silent truncation. */
  private static final int MAX_SERIES_TERMS = 10_000_000;

  private Rdp() {}

  /**
   * log A_α of one step of the subsampled Gaussian mechanism.
   *
   * @param q sampling rate in (0, 1)
   * @param sigma noise multiplier, finite and &gt; 0
   * @param alpha Rényi order &gt; 1
   * @return log A_α
   */
  public static double logA(double q, double sigma, double alpha) {
    DpParams.samplingRate(q);
    DpParams.noiseMultiplier(sigma);
    checkOrder(alpha);
    if (q == 1) {
      // A_α = exp(α(α−1)/(2σ²)).
      return alpha * (alpha - 1) / (2 * sigma * sigma);
    }
    if (alpha == Math.rint(alpha) && alpha < Integer.MAX_VALUE) {
      return logAIntegerOrder(q, sigma, (int) alpha);
    }
    return logAFractionalOrder(q, sigma, alpha);
  }

  /**
   * RDP of one step at order α: log(A_α)/(α − 1), or α/(2σ²) when q = 1.
   *
   * @param q sampling rate in (0, 1]
   * @param sigma noise multiplier, finite and &gt; 0
   * @param alpha Rényi order &gt; 1 (may be +∞, giving +∞)
   */
  public static double rdp(double q, double sigma, double alpha) {
    DpParams.samplingRate(q);
    DpParams.noiseMultiplier(sigma);
    if (alpha == Double.POSITIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    checkOrder(alpha);
    if (q == 1) {
      return alpha / (2 * sigma * sigma);
    }
    return logA(q, sigma, alpha) / (alpha - 1);
  }

  /**
   * RDP of {@code steps} steps at each order: steps · RDP(α).
   *
   * @param q sampling rate in (0, 1]
   * @param sigma noise multiplier, finite and &gt; 0
   * @param steps number of steps ≥ 0
   * @param orders Rényi orders, each &gt; 1
   * @return a new array, one entry per order
   */
  public static double[] rdp(double q, double sigma, long steps, double[] orders) {
    DpParams.steps(steps);
    double[] out = new double[orders.length];
    for (int i = 0; i < orders.length; i++) {
      out[i] = steps == 0 ? 0 : steps * rdp(q, sigma, orders[i]);
    }
    return out;
  }

  /**
   * The improved RDP → (ε, δ) conversion, minimized over the orders.
   *
   * @param orders Rényi orders, each ≥ 1
   * @param rdp the (composed) RDP at each order, each ≥ 0
   * @param delta δ in (0, 1)
   * @return the smallest ε over the orders and the order attaining it (the first one on ties)
   */
  public static EpsilonResult epsilon(double[] orders, double[] rdp, double delta) {
    DpParams.delta(delta);
    if (orders.length != rdp.length || orders.length == 0) {
      throw new IllegalArgumentException("orders and rdp must be non-empty and of equal length, got "
          + orders.length + " and " + rdp.length);
    }
    double best = Double.POSITIVE_INFINITY;
    double bestOrder = Double.NaN;
    for (int i = 0; i < orders.length; i++) {
      double a = orders[i];
      double r = rdp[i];
      if (!(a >= 1)) {
        throw new IllegalArgumentException("Renyi order must be >= 1, got " + a);
      }
      if (!(r >= 0)) {
        throw new IllegalArgumentException("RDP must be >= 0, got " + r + " at order " + a);
      }
      double eps;
      if (delta * delta + Math.expm1(-r) > 0) {
        // The KL bound δ ≤ √(1 − e^{−KL}) already gives ε = 0.
        eps = 0;
      } else if (a > 1.01) {
        // Not numerically stable as α → 1, hence the floor on α (as dp_accounting).
        eps = r + Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1);
      } else {
        eps = Double.POSITIVE_INFINITY;
      }
      if (eps < best || Double.isNaN(bestOrder) && eps == best) {
        best = eps;
        bestOrder = a;
      }
    }
    if (best == Double.POSITIVE_INFINITY) {
      bestOrder = Double.NaN;
    }
    return new EpsilonResult(Math.max(0, best), bestOrder);
  }

  private static void checkOrder(double alpha) {
    if (!(alpha > 1) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("Renyi order must be finite and > 1, got " + alpha);
    }
  }

  /** Exact binomial sum in log space. */
  private static double logAIntegerOrder(double q, double sigma, int alpha) {
    double logQ = Math.log(q);
    double log1mQ = Math.log(1 - q);
    double twoSigma2 = 2 * (sigma * sigma);
    double logA = Double.NEGATIVE_INFINITY;
    for (int i = 0; i <= alpha; i++) {
      double logCoef = logBinomial(alpha, i) + i * logQ + (alpha - i) * log1mQ;
      double s = logCoef + ((double) i * i - i) / twoSigma2;
      logA = LogMath.logAdd(logA, s);
    }
    return logA;
  }

  /** log C(n, k) for integers, from the product formula on the shorter side (a few ulps of error). */
  private static double logBinomial(int n, int k) {
    int kk = Math.min(k, n - k);
    double c = 1;
    for (int j = 1; j <= kk; j++) {
      c *= (double) (n - kk + j) / j; // ratio first: C(1024, 512) ≈ 4.5e306 is close to overflow
    }
    return Math.log(c);
  }

  /**
   * The two signed series of Mironov, Talwar, Zhang 2019, Section 3.3, with z₀ = σ² log(1/q − 1) + ½; the same
   * evaluation order as Opacus's and TF Privacy's {@code _compute_log_a_frac}.
   */
  private static double logAFractionalOrder(double q, double sigma, double alpha) {
    double logA0 = Double.NEGATIVE_INFINITY;
    double logA1 = Double.NEGATIVE_INFINITY;
    double sigma2 = sigma * sigma;
    double z0 = sigma2 * Math.log(1 / q - 1) + 0.5;
    double logQ = Math.log(q);
    double log1mQ = Math.log(1 - q);
    double sqrt2Sigma = Math.sqrt(2) * sigma;
    double log05 = Math.log(0.5);
    double coef = 1; // C(α, i), built up by the product formula
    for (int i = 0; ; i++) {
      if (i > 0) {
        coef = coef * (alpha - i + 1) / i;
      }
      if (i >= MAX_SERIES_TERMS) {
        throw new ArithmeticException("RDP series did not converge for q=" + q + ", sigma=" + sigma
            + ", alpha=" + alpha);
      }
      double logCoef = Math.log(Math.abs(coef));
      double j = alpha - i;
      double logT0 = logCoef + i * logQ + j * log1mQ;
      double logT1 = logCoef + j * logQ + i * log1mQ;
      double logE0 = log05 + LogMath.logErfc((i - z0) / sqrt2Sigma);
      double logE1 = log05 + LogMath.logErfc((z0 - j) / sqrt2Sigma);
      double logS0 = logT0 + ((double) i * i - i) / (2 * sigma2) + logE0;
      double logS1 = logT1 + (j * j - j) / (2 * sigma2) + logE1;
      if (coef > 0) {
        logA0 = LogMath.logAdd(logA0, logS0);
        logA1 = LogMath.logAdd(logA1, logS1);
      } else {
        logA0 = LogMath.logSub(logA0, logS0);
        logA1 = LogMath.logSub(logA1, logS1);
      }
      if (Math.max(logS0, logS1) < SERIES_CUTOFF) {
        break;
      }
    }
    return LogMath.logAdd(logA0, logA1);
  }
}
