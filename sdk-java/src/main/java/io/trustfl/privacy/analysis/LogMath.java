package io.trustfl.privacy.analysis;

import org.hipparchus.special.Erf;

/** Log-space arithmetic and the standard normal distribution function, accurate far into the tails. */
final class LogMath {
  private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
  private static final double SQRT1_2 = Math.sqrt(0.5);

  private LogMath() {}

  /** log(e^a + e^b) without overflow; −∞ is the log of zero. */
  static double logAdd(double a, double b) {
    double lo = Math.min(a, b);
    double hi = Math.max(a, b);
    if (lo == Double.NEGATIVE_INFINITY) {
      return hi;
    }
    return Math.log1p(Math.exp(lo - hi)) + hi;
  }

  /** log(e^a − e^b) for a ≥ b; −∞ when they are equal. */
  static double logSub(double a, double b) {
    if (a < b) {
      throw new ArithmeticException("logSub: the result would be negative (" + a + " < " + b + ")");
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    if (a == b) {
      return Double.NEGATIVE_INFINITY;
    }
    double d = Math.expm1(a - b);
    return d == Double.POSITIVE_INFINITY ? a : Math.log(d) + b;
  }

  /** Φ(x), the standard normal distribution function. */
  static double ndtr(double x) {
    return 0.5 * Erf.erfc(-x * SQRT1_2);
  }

  /** 1 − Φ(x) = Φ(−x), computed without cancellation. */
  static double ndtrUpper(double x) {
    return 0.5 * Erf.erfc(x * SQRT1_2);
  }

  /**
   * log Φ(x), accurate for very negative x (an asymptotic series below −20, as scipy's {@code log_ndtr}).
   */
  static double logNdtr(double x) {
    if (x > 6) {
      return Math.log1p(-ndtrUpper(x));
    }
    if (x > -20) {
      return Math.log(ndtr(x));
    }
    // log Φ(x) = −x²/2 − log(−x) − log √(2π) + log(1 + Σ_n (−1)^n (2n−1)!! / x^{2n}).
    double x2 = x * x;
    double term = 1;
    double sum = 0;
    for (int n = 1; n < 20; n++) {
      term *= -(2 * n - 1) / x2;
      if (Math.abs(term) < 1e-17) {
        break;
      }
      sum += term;
    }
    return -0.5 * x2 - Math.log(-x) - LOG_SQRT_2PI + Math.log1p(sum);
  }

  /** log(erfc(x)) = log 2 + log Φ(−x√2). */
  static double logErfc(double x) {
    return Math.log(2) + logNdtr(-x * Math.sqrt(2));
  }
}
