package io.trustfl.privacy.analysis;

/**
 * The privacy loss of one step of the Poisson-subsampled Gaussian mechanism (sensitivity 1, noise σ) and its
 * hockey-stick divergence δ(ε) = sup_S P(S) − e^ε Q(S), in closed form through the normal distribution function.
 *
 * <p>With t(x) = (2x − 1)/(2σ²), the loss at output x is L(x) = log((1 − q) + q·e^{t(x)}) for REMOVE (x drawn from
 * the mixture) and −L(x) for ADD (x drawn from N(0, σ²)). Inverting L gives, for REMOVE and ε &gt; log(1 − q),
 * x(ε) = σ²·log((e^ε − 1 + q)/q) + ½ and δ(ε) = q·Φ̄((x − 1)/σ) − (e^ε − 1 + q)·Φ̄(x/σ); for ADD and
 * ε &lt; −log(1 − q), x'(ε) = σ²·log((e^{−ε} − 1 + q)/q) + ½ and δ(ε) = (q·e^ε − (e^ε − 1))·Φ(x'/σ) −
 * q·e^ε·Φ((x' − 1)/σ). For q = 1 both reduce to the analytic Gaussian mechanism of Balle and Wang 2018.
 */
final class SubsampledGaussianLoss {
  /** Outputs farther than this many standard deviations from the means carry negligible mass (≈ 1e-17). */
  static final double TAIL_SIGMAS = 8.5;

  private final double q;
  private final double sigma;
  private final Adjacency adjacency;

  SubsampledGaussianLoss(double q, double sigma, Adjacency adjacency) {
    this.q = DpParams.samplingRate(q);
    this.sigma = DpParams.noiseMultiplier(sigma);
    this.adjacency = adjacency;
  }

  /** The REMOVE-direction loss log((1 − q) + q·e^{t(x)}), in log space. */
  private double removeLoss(double x) {
    double t = (2 * x - 1) / (2 * sigma * sigma);
    return q == 1 ? t : LogMath.logAdd(Math.log1p(-q), Math.log(q) + t);
  }

  /** Smallest loss value worth representing; all mass below it may be moved up to it. */
  double lowerLoss() {
    return adjacency == Adjacency.REMOVE ? removeLoss(-TAIL_SIGMAS * sigma) : -removeLoss(TAIL_SIGMAS * sigma);
  }

  /** Largest loss value represented; the mass above it is counted at infinity. */
  double upperLoss() {
    return adjacency == Adjacency.REMOVE
        ? removeLoss(1 + TAIL_SIGMAS * sigma) : -removeLoss(-TAIL_SIGMAS * sigma);
  }

  /** δ(ε), the hockey-stick divergence of this direction. */
  double delta(double eps) {
    return adjacency == Adjacency.REMOVE ? deltaRemove(eps) : deltaAdd(eps);
  }

  private double deltaRemove(double eps) {
    double em1 = Math.expm1(eps);
    double x;
    if (q == 1) {
      x = sigma * sigma * eps + 0.5;
    } else {
      if (eps <= Math.log1p(-q)) {
        return -em1; // every output has loss ≥ ε: δ = 1 − e^ε
      }
      x = sigma * sigma * Math.log((em1 + q) / q) + 0.5;
    }
    double d = q * LogMath.ndtrUpper((x - 1) / sigma) - (em1 + q) * LogMath.ndtrUpper(x / sigma);
    return Math.max(0, d);
  }

  private double deltaAdd(double eps) {
    double x;
    if (q == 1) {
      x = -sigma * sigma * eps + 0.5;
    } else {
      if (eps >= -Math.log1p(-q)) {
        return 0; // the loss never exceeds −log(1 − q)
      }
      x = sigma * sigma * Math.log((Math.expm1(-eps) + q) / q) + 0.5;
    }
    double e = Math.exp(eps);
    double d = (q * e - Math.expm1(eps)) * LogMath.ndtr(x / sigma) - q * e * LogMath.ndtr((x - 1) / sigma);
    return Math.max(0, d);
  }
}
