package io.trustfl.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Calibration against REFERENCES.md §1: the exact root is σ = 1.415787144 (Opacus's bisection stops at 1.416). */
class NoiseCalibrationTest {
  private static double rdpEpsilon(double sigma) {
    RdpAccountant a = new RdpAccountant();
    a.compose(0.04, sigma, 2250);
    return a.epsilon(1e-5);
  }

  @Test
  void rdpReferenceVector() {
    PrivacyBudget target = new PrivacyBudget(8, 1e-5);
    for (double precision : new double[] {1e-3, 1e-6, 1e-8}) {
      double sigma = NoiseCalibration.noiseMultiplier(AccountantKind.RDP, 0.04, 2250, target, precision);
      assertTrue(sigma >= 1.415787144 - 1e-9, "safe side at precision " + precision + ": " + sigma);
      assertTrue(sigma - 1.415787144 <= precision, "within precision " + precision + ": " + sigma);
      assertTrue(rdpEpsilon(sigma) <= 8, "meets the target");
    }
  }

  @Test
  void pldCalibrationMeetsTargetOnTheSafeSide() {
    PrivacyBudget target = new PrivacyBudget(2, 1e-5);
    double precision = 1e-3;
    double sigma = NoiseCalibration.noiseMultiplierPld(1e-2, 0.02, 200, target, precision);
    PldAccountant at = new PldAccountant(1e-2);
    at.compose(0.02, sigma, 200);
    assertTrue(at.epsilon(1e-5) <= 2, "meets the target: " + at.epsilon(1e-5));
    PldAccountant below = new PldAccountant(1e-2);
    below.compose(0.02, sigma - precision, 200);
    assertTrue(below.epsilon(1e-5) > 2, "σ − precision misses it: " + below.epsilon(1e-5));
    double rdpSigma = NoiseCalibration.noiseMultiplier(RdpOrders.OPACUS, 0.02, 200, target, precision);
    assertTrue(sigma < rdpSigma, "PLD needs less noise than RDP: " + sigma + " vs " + rdpSigma);
  }

  @Test
  void invalidInputIsNamed() {
    PrivacyBudget target = new PrivacyBudget(1, 1e-5);
    assertEquals("steps must be >= 1 for calibration, got 0", assertThrows(IllegalArgumentException.class,
        () -> NoiseCalibration.noiseMultiplier(AccountantKind.RDP, 0.1, 0, target, 1e-3)).getMessage());
    assertEquals("precision must be in (0, 1), got 0.0", assertThrows(IllegalArgumentException.class,
        () -> NoiseCalibration.noiseMultiplier(AccountantKind.RDP, 0.1, 10, target, 0)).getMessage());
    assertEquals("samplingRate must be in (0, 1], got 0.0", assertThrows(IllegalArgumentException.class,
        () -> NoiseCalibration.noiseMultiplier(AccountantKind.RDP, 0, 10, target, 1e-3)).getMessage());
  }
}
