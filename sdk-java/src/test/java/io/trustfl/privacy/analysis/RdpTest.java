package io.trustfl.privacy.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * RDP math against REFERENCES.md §1 and against src/test/python/rdp_reference.py (an independent port on scipy's
 * binom and log_ndtr, plus exact-rational and mpmath checks).
 */
class RdpTest {
  @Test
  void logAIntegerOrdersMatchReferenceVectors() {
    // REFERENCES.md §1; the script's exact-rational sum gives 0.11134999372122749.
    assertEquals(0.11134999372122746, Rdp.logA(0.04, 1.5, 13), 1e-15);
    // log1p(q²(e − 1)) exactly: A_2 = 1 + q²(e^{1/σ²} − 1).
    assertEquals(1.7182803522145154e-6, Rdp.logA(0.001, 1.0, 2), 1e-17);
  }

  @Test
  void logAFractionalOrdersMatchScipyPort() {
    assertEquals(1.5124268329363961, Rdp.logA(1.024e-5, 0.1, 1.25), 1e-13);
    assertEquals(20.266186594050055, Rdp.logA(1.024e-5, 0.1, 1.5), 1e-11);
    assertEquals(158.77697765411767, Rdp.logA(1.024e-5, 0.1, 2.5), 1e-10);
    assertEquals(4866.863306147294, Rdp.logA(1.024e-5, 0.1, 10.5), 1e-8);
    // Both this code and the scipy port stop the series at terms below e^−30 ≈ 1e-13 (absolute, on A).
    assertEquals(5.604655282289886e-05, Rdp.logA(0.01, 0.8, 1.25), 2e-13);
    assertEquals(0.0001366553499506106, Rdp.logA(0.01, 0.8, 1.5), 2e-13);
    assertEquals(0.0007341805736052815, Rdp.logA(0.01, 0.8, 2.5), 2e-13);
    assertEquals(29.57577253956073, Rdp.logA(0.01, 0.8, 10.5), 1e-11);
  }

  @Test
  void fractionalOrderMatchesMpmathQuadrature() {
    // mpmath (40 digits) quadrature of the defining integral: 1.512426832936412189499658.
    assertEquals(1.512426832936412189499658, Rdp.logA(1.024e-5, 0.1, 1.25), 3e-14);
    assertEquals(0.000056046552911514155385, Rdp.logA(0.01, 0.8, 1.25), 2e-13);
    assertEquals(0.0001366553500201942775, Rdp.logA(0.01, 0.8, 1.5), 2e-13);
    assertEquals(0.00073418057350468559436, Rdp.logA(0.01, 0.8, 2.5), 2e-13);
    assertEquals(29.575772539560757931, Rdp.logA(0.01, 0.8, 10.5), 1e-11);
  }

  @Test
  void largeIntegerOrdersDoNotOverflow() {
    double r = Rdp.rdp(0.01, 1.0, 1024);
    assertTrue(Double.isFinite(r) && r > 0, "rdp at order 1024: " + r);
  }

  @Test
  void fullSamplingIsTheGaussianMechanism() {
    assertEquals(3.5 / (2 * 0.81), Rdp.rdp(1, 0.9, 3.5), 1e-15);
    assertEquals(7 / (2 * 4.0), Rdp.rdp(1, 2.0, 7), 1e-15);
  }

  @Test
  void rdpIsBetweenNeighbouringIntegerOrders() {
    // RDP is non-decreasing in α: fractional orders sit between integer ones.
    for (double a = 2; a < 20; a++) {
      double lo = Rdp.rdp(0.02, 1.1, a);
      double mid = Rdp.rdp(0.02, 1.1, a + 0.5);
      double hi = Rdp.rdp(0.02, 1.1, a + 1);
      assertTrue(lo <= mid && mid <= hi, "order " + a + ": " + lo + " " + mid + " " + hi);
    }
  }

  @Test
  void conversionUsesImprovedBound() {
    double[] orders = {2, 8, 32};
    double[] rdp = {0.5, 1.0, 3.0};
    double delta = 1e-5;
    double best = Double.POSITIVE_INFINITY;
    double bestOrder = 0;
    for (int i = 0; i < orders.length; i++) {
      double a = orders[i];
      double e = rdp[i] + Math.log((a - 1) / a) - (Math.log(delta) + Math.log(a)) / (a - 1);
      if (e < best) {
        best = e;
        bestOrder = a;
      }
    }
    EpsilonResult r = Rdp.epsilon(orders, rdp, delta);
    assertEquals(best, r.epsilon(), 1e-12);
    assertEquals(bestOrder, r.order());
  }

  @Test
  void zeroRdpGivesZeroEpsilon() {
    EpsilonResult r = Rdp.epsilon(new double[] {2, 3}, new double[] {0, 0}, 1e-5);
    assertEquals(0, r.epsilon());
  }

  @Test
  void invalidParametersAreNamed() {
    assertEquals("samplingRate must be in (0, 1], got 1.5",
        assertThrows(IllegalArgumentException.class, () -> Rdp.rdp(1.5, 1, 2)).getMessage());
    assertEquals("samplingRate must be in (0, 1], got 0.0",
        assertThrows(IllegalArgumentException.class, () -> Rdp.rdp(0, 1, 2)).getMessage());
    assertEquals("noiseMultiplier must be finite and > 0, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> Rdp.rdp(0.1, -1, 2)).getMessage());
    assertEquals("noiseMultiplier must be finite and > 0, got NaN",
        assertThrows(IllegalArgumentException.class, () -> Rdp.rdp(0.1, Double.NaN, 2)).getMessage());
    assertEquals("Renyi order must be finite and > 1, got 1.0",
        assertThrows(IllegalArgumentException.class, () -> Rdp.logA(0.1, 1, 1)).getMessage());
    assertEquals("delta must be in (0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class,
            () -> Rdp.epsilon(new double[] {2}, new double[] {1}, 1)).getMessage());
    assertEquals("steps must be >= 0, got -3",
        assertThrows(IllegalArgumentException.class,
            () -> Rdp.rdp(0.1, 1, -3, new double[] {2})).getMessage());
  }

  @Test
  void logNdtrIsAccurateInTheTail() {
    // scipy.special.log_ndtr(-30) = -454.32124395634327; log_ndtr(-5) = -15.064998393988727.
    assertEquals(-454.32124395634327, LogMath.logNdtr(-30), 1e-12);
    assertEquals(-15.064998393988727, LogMath.logNdtr(-5), 1e-12);
    assertEquals(Math.log(0.5), LogMath.logNdtr(0), 1e-15);
  }
}
