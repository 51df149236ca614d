package io.trustfl.nativecpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.privacy.NoiseKey;
import java.nio.DoubleBuffer;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Statistical tests of the native noise path (the same thresholds as sdk-java's GaussianNoiseStatisticalTest:
 * false-failure probability below about 1e-6 each), with random keys. Run alone with
 * {@code mvn test -Dgroups=statistical}.
 */
@Tag("statistical")
class CpuNoiseStatisticalTest {
  private static final int N = 4_000_000;
  private static CpuKernels cpu;

  @BeforeAll
  static void open() {
    cpu = CpuKernels.open(0);
  }

  @AfterAll
  static void close() {
    cpu.close();
  }

  private static double[] sample(int n, long nonce, long first) {
    DoubleBuffer out = NativeBuffers.doubles(n);
    cpu.gaussian(NoiseKey.random(), nonce, first, out);
    double[] z = new double[n];
    out.get(0, z);
    return z;
  }

  @Test
  void meanVarianceSkewnessAndKurtosis() {
    double[] z = sample(N, 42, 3);
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
    assertEquals(0.0, m1, 5.5 / Math.sqrt(N), "mean");
    assertEquals(1.0, m2, 5.5 * Math.sqrt(2.0 / N), "second moment");
    assertEquals(0.0, m3, 5.5 * Math.sqrt(15.0 / N), "third moment");
    assertEquals(3.0, m4, 5.5 * Math.sqrt(96.0 / N), "fourth moment");
  }

  @Test
  void kolmogorovSmirnovAgainstStandardNormal() {
    double[] z = sample(200_000, 43, 0);
    double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new NormalDistribution(0, 1), z, false);
    assertTrue(p > 1e-6, "KS p-value " + p);
  }

  @Test
  void tailFrequencies() {
    double[] z = sample(N, 44, 0);
    NormalDistribution std = new NormalDistribution(0, 1);
    for (double t : new double[] {1, 2, 3, 4}) {
      long count = 0;
      for (double x : z) {
        if (Math.abs(x) > t) {
          count++;
        }
      }
      double p = 2 * std.cumulativeProbability(-t);
      double se = Math.sqrt(N * p * (1 - p));
      assertEquals(p * N, count, 5.5 * se + 1, "P(|Z| > " + t + ")");
    }
  }

  @Test
  void consecutiveNormalsAreUncorrelated() {
    double[] z = sample(N, 45, 0);
    for (int lag = 1; lag <= 8; lag++) {
      double s = 0;
      for (int i = 0; i + lag < N; i++) {
        s += z[i] * z[i + lag];
      }
      assertEquals(0.0, s / (N - lag), 5.5 / Math.sqrt(N), "lag " + lag + " autocorrelation");
    }
  }
}
