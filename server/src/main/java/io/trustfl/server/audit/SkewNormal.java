package io.trustfl.server.audit;

/**
 * The skew-normal distribution (Azzalini 1985) with density 2/&omega;&middot;&phi;(z)&middot;&Phi;(&alpha;z), z =
 * (x &minus; &xi;)/&omega;, used to extrapolate Secret Sharer exposure when candidates are too many to enumerate
 * (Carlini et al. 2019, &sect;4.3): fit it to the losses of sampled candidates, then exposure &asymp; &minus;log<sub>2</sub>
 * CDF(loss of the canary).
 *
 * @param shape &alpha;
 * @param location &xi;
 * @param scale &omega; &gt; 0
 */
public record SkewNormal(double shape, double location, double scale) {
  private static final double MAX_SKEW = 0.99; // the family's skewness is bounded by ~0.9953

  /** Validates the parameters. */
  public SkewNormal {
    if (!Double.isFinite(shape) || !Double.isFinite(location)) {
      throw new IllegalArgumentException("shape and location must be finite, got " + shape + ", " + location);
    }
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
    }
  }

  /**
   * Method-of-moments fit: matches the sample mean, variance and skewness (skewness clamped to &plusmn;0.99, the
   * family's range).
   *
   * @throws IllegalArgumentException for fewer than 3 values, non-finite values or zero variance
   */
  public static SkewNormal fitMoments(double[] xs) {
    if (xs.length < 3) {
      throw new IllegalArgumentException("need >= 3 values to fit a skew-normal, got " + xs.length);
    }
    double mean = 0;
    for (double x : xs) {
      if (!Double.isFinite(x)) {
        throw new IllegalArgumentException("values must be finite, got " + x);
      }
      mean += x;
    }
    mean /= xs.length;
    double m2 = 0;
    double m3 = 0;
    for (double x : xs) {
      double d = x - mean;
      m2 += d * d;
      m3 += d * d * d;
    }
    m2 /= xs.length;
    m3 /= xs.length;
    if (!(m2 > 0)) {
      throw new IllegalArgumentException("values have zero variance; a skew-normal needs spread");
    }
    double skew = Math.max(-MAX_SKEW, Math.min(MAX_SKEW, m3 / Math.pow(m2, 1.5)));
    double g = Math.pow(Math.abs(skew), 2.0 / 3);
    double absDelta = Math.sqrt(Math.PI / 2 * g / (g + Math.pow((4 - Math.PI) / 2, 2.0 / 3)));
    double delta = Math.copySign(absDelta, skew);
    double shape = delta / Math.sqrt(1 - delta * delta);
    double scale = Math.sqrt(m2 / (1 - 2 * delta * delta / Math.PI));
    double location = mean - scale * delta * Math.sqrt(2 / Math.PI);
    return new SkewNormal(shape, location, scale);
  }

  /** The cumulative distribution &Phi;(z) &minus; 2&middot;T(z, &alpha;) with Owen's T function. */
  public double cdf(double x) {
    double z = (x - location) / scale;
    double c = normalCdf(z) - 2 * owensT(z, shape);
    return Math.max(0, Math.min(1, c));
  }

  /** Mean &xi; + &omega;&delta;&radic;(2/&pi;), &delta; = &alpha;/&radic;(1 + &alpha;&sup2;). */
  public double mean() {
    double delta = shape / Math.sqrt(1 + shape * shape);
    return location + scale * delta * Math.sqrt(2 / Math.PI);
  }

  /**
   * Owen's T function T(h, a) = (1/2&pi;)&int;<sub>0</sub><sup>a</sup> exp(&minus;h&sup2;(1 + x&sup2;)/2)/(1 +
   * x&sup2;) dx by composite Simpson's rule (2000 panels; smooth integrand, error far below the 1e-9 the tests ask).
   */
  static double owensT(double h, double a) {
    if (a == 0) {
      return 0;
    }
    if (a < 0) {
      return -owensT(h, -a);
    }
    int n = 2000;
    double step = a / n;
    double sum = f(h, 0) + f(h, a);
    for (int i = 1; i < n; i++) {
      sum += (i % 2 == 1 ? 4 : 2) * f(h, i * step);
    }
    return sum * step / 3 / (2 * Math.PI);
  }

  private static double f(double h, double x) {
    double q = 1 + x * x;
    return Math.exp(-h * h * q / 2) / q;
  }

  /** Standard normal CDF via erfc. */
  static double normalCdf(double z) {
    return 0.5 * org.hipparchus.special.Erf.erfc(-z / Math.sqrt(2));
  }
}
