package io.trustfl.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The PLD accountant against REFERENCES.md §1 (within 0.01, never below the rigorous lower bound). */
class PldAccountantTest {
  private static double eps(double h, double q, double sigma, long steps, double delta) {
    PldAccountant a = new PldAccountant(h);
    a.compose(q, sigma, steps);
    return a.epsilon(delta);
  }

  @Test
  void subsampledReferenceVectors() {
    double e1 = eps(1e-4, 0.01, 0.7, 120, 1e-5);
    assertTrue(e1 >= 2.460638, "below the rigorous lower bound: " + e1);
    assertEquals(2.4612381, e1, 0.01);
    double e2 = eps(1e-4, 0.05, 1.5, 1000, 1e-6);
    assertTrue(e2 >= 6.194692, "below the rigorous lower bound: " + e2);
    assertEquals(6.1997, e2, 0.01);
  }

  @Test
  void coarseGridStaysAboveTheLowerBound() {
    double e = eps(1e-2, 0.01, 0.7, 120, 1e-5);
    assertTrue(e >= 2.460638, "pessimistic at h = 0.01: " + e);
    assertTrue(e <= 2.4612381 + 0.05, "h = 0.01 still close: " + e);
  }

  @Test
  void gaussianReferenceVectors() {
    double e1 = eps(1e-3, 1, 0.7, 2, 1e-5);
    assertTrue(e1 >= 10.12249458 - 1e-8, "pessimistic: " + e1);
    assertEquals(10.12249458, e1, 0.01);
    double e2 = eps(1e-3, 1, 1.0, 5, 1e-6);
    assertTrue(e2 >= 12.59524674 - 1e-8, "pessimistic: " + e2);
    assertEquals(12.59524674, e2, 0.01);
  }

  @Test
  void tighterThanRdp() {
    RdpAccountant rdp = new RdpAccountant();
    rdp.compose(0.004, 1.1, 15000);
    double p = eps(1e-2, 0.004, 1.1, 15000, 1e-5);
    assertTrue(p < rdp.epsilon(1e-5), "PLD " + p + " vs RDP " + rdp.epsilon(1e-5));
    assertTrue(p > 0.5 * rdp.epsilon(1e-5), "PLD " + p + " implausibly small");
  }

  @Test
  void epsilonIsMonotone() {
    double prev = Double.POSITIVE_INFINITY;
    for (double sigma = 0.7; sigma < 2.5; sigma += 0.3) {
      double e = eps(1e-2, 0.02, sigma, 200, 1e-5);
      assertTrue(e <= prev, "non-increasing in sigma at " + sigma);
      prev = e;
    }
    prev = 0;
    for (long steps = 1; steps < 100_000; steps *= 4) {
      double e = eps(1e-2, 0.01, 1.0, steps, 1e-5);
      assertTrue(e >= prev, "non-decreasing in steps at " + steps);
      prev = e;
    }
    prev = 0;
    for (double q = 0.002; q <= 1; q *= 2.5) {
      double e = eps(1e-2, q, 1.5, 50, 1e-5);
      assertTrue(e >= prev, "non-decreasing in q at " + q);
      prev = e;
    }
  }

  @Test
  void heterogeneousHistoryAndSplitStretches() {
    PldAccountant split = new PldAccountant(1e-3);
    split.compose(0.02, 1.1, 300);
    split.compose(0.02, 1.1, 700);
    PldAccountant whole = new PldAccountant(1e-3);
    whole.compose(0.02, 1.1, 1000);
    assertEquals(whole.epsilon(1e-5), split.epsilon(1e-5));

    PldAccountant mixed = new PldAccountant(1e-3);
    mixed.compose(0.02, 1.1, 300);
    mixed.compose(0.1, 2.0, 50);
    double e = mixed.epsilon(1e-5);
    assertTrue(e > eps(1e-3, 0.02, 1.1, 300, 1e-5) && e > eps(1e-3, 0.1, 2.0, 50, 1e-5));
    RdpAccountant rdp = new RdpAccountant();
    rdp.compose(0.02, 1.1, 300);
    rdp.compose(0.1, 2.0, 50);
    assertTrue(e < rdp.epsilon(1e-5), "PLD " + e + " vs RDP " + rdp.epsilon(1e-5));
  }

  @Test
  void stateRoundTrip() {
    PldAccountant a = new PldAccountant(1e-3);
    a.compose(0.02, 1.1, 300);
    a.compose(0.1, 2.0, 50);
    PrivacyAccountant b = Accountants.fromState(a.toState());
    assertTrue(b instanceof PldAccountant);
    assertEquals(1e-3, ((PldAccountant) b).valueDiscretization());
    assertEquals(a.epsilon(1e-5), b.epsilon(1e-5));
  }

  @Test
  void invalidInputIsNamed() {
    assertEquals("valueDiscretization must be in (0, 1), got 0.0",
        assertThrows(IllegalArgumentException.class, () -> new PldAccountant(0)).getMessage());
    PldAccountant a = new PldAccountant(1e-2);
    assertEquals("samplingRate must be in (0, 1], got 2.0",
        assertThrows(IllegalArgumentException.class, () -> a.compose(2, 1, 1)).getMessage());
    assertEquals(0, a.epsilon(1e-5));
  }
}
