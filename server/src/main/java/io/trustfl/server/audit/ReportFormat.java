package io.trustfl.server.audit;

import java.util.Locale;

/** Number formatting shared by the audit reports (central and federated). */
final class ReportFormat {
  private ReportFormat() {}

  /** Arithmetic mean; NaN for no values. */
  static double mean(double[] xs) {
    double s = 0;
    for (double x : xs) {
      s += x;
    }
    return xs.length == 0 ? Double.NaN : s / xs.length;
  }

  /**
   * "mean ± sample standard deviation" over the seeds of one table cell, each with {@code digits} decimals; the mean
   * alone for a single seed; "∞" for an infinite mean (a non-private ε).
   */
  static String meanSd(double[] xs, int digits) {
    double m = mean(xs);
    if (Double.isInfinite(m)) {
      return "∞";
    }
    if (xs.length < 2) {
      return fixed(m, digits);
    }
    double var = 0;
    for (double x : xs) {
      var += (x - m) * (x - m);
    }
    return fixed(m, digits) + " ± " + fixed(Math.sqrt(var / (xs.length - 1)), digits);
  }

  /** {@code x} with {@code digits} decimals, locale-independent. */
  static String fixed(double x, int digits) {
    return String.format(Locale.ROOT, "%." + digits + "f", x);
  }
}
