package io.trustfl.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Statistical tests of the ChaCha20 normals. Each test has a false-failure probability below about 1e-6 for a
 * correct generator (thresholds at ≥ 5 standard errors), and uses a random key so that the tests exercise the
 * production path. Run alone with {@code mvn test -Dgroups=statistical}.
 */
@Tag("statistical")
class GaussianNoiseStatisticalTest {
  private static final int N = 4_000_000;

  private static double[] sample() {
    double[] z = new double[N];
    ChaChaGaussian.normals(NoiseKey.random(), 42, 0, z, 0, N);
    return z;
  }

  @Test
  void meanVarianceSkewnessAndKurtosis() {
    double[] z = sample();
    double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (double x : z) {
      m1 += x;
      m2 += x * x;
      m3 += x * x * x;
      m4 += x * x * x * x;
    }
    m1 /= N;
    m2 /= N;
    m3 /= N;
    m4 /= N;
    // Standard errors: mean 1/sqrt(N), E[z^2] sqrt(2/N), E[z^3] sqrt(15/N), E[z^4] sqrt(96/N).
    assertEquals(0.0, m1, 5.5 / Math.sqrt(N), "mean");
    assertEquals(1.0, m2, 5.5 * Math.sqrt(2.0 / N), "second moment");
    assertEquals(0.0, m3, 5.5 * Math.sqrt(15.0 / N), "third moment");
    assertEquals(3.0, m4, 5.5 * Math.sqrt(96.0 / N), "fourth moment");
  }

  @Test
  void kolmogorovSmirnovAgainstStandardNormal() {
    double[] z = new double[200_000];
    ChaChaGaussian.normals(NoiseKey.random(), 43, 0, z, 0, z.length);
    double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new NormalDistribution(0, 1), z, false);
    assertTrue(p > 1e-6, "KS p-value " + p);
  }

  @Test
  void tailFrequencies() {
    double[] z = sample();
    double[] thresholds = {1, 2, 3, 4};
    NormalDistribution std = new NormalDistribution(0, 1);
    for (double t : thresholds) {
      long count = 0;
      for (double x : z) {
        if (Math.abs(x) > t) {
          count++;
        }
      }
      double p = 2 * std.cumulativeProbability(-t);
      double expected = p * N;
      double se = Math.sqrt(N * p * (1 - p));
      assertEquals(expected, count, 5.5 * se + 1, "P(|Z| > " + t + ")");
    }
  }

  @Test
  void consecutiveNormalsAreUncorrelated() {
    double[] z = sample();
    for (int lag = 1; lag <= 8; lag++) {
      double s = 0;
      for (int i = 0; i + lag < N; i++) {
        s += z[i] * z[i + lag];
      }
      double corr = s / (N - lag);
      assertEquals(0.0, corr, 5.5 / Math.sqrt(N), "lag " + lag + " autocorrelation");
    }
  }
}
