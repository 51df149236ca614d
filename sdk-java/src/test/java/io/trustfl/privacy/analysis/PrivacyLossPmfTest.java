package io.trustfl.privacy.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The discretized PLD against src/test/python/pld_reference.py: quadrature of the one-step hockey-stick divergence
 * and the analytic Gaussian mechanism (Balle and Wang 2018).
 */
class PrivacyLossPmfTest {
  /** {q, σ, ε, δ_add, δ_remove} by numerical quadrature of (p − e^ε q)₊ (pld_reference.py). */
  private static final double[][] ONE_STEP = {
      {0.01, 0.7, 0.0, 0.005249494759460481, 0.005249494759460471},
      {0.01, 0.7, 0.05, 0.0, 0.0014453008048770427},
      {0.01, 0.7, 0.5, 0.0, 4.524260518180841e-05},
      {0.01, 0.7, 2.0, 0.0, 1.770761562620073e-07},
      {0.2, 1.5, 0.0, 0.05222346392729451, 0.052223463927294565},
      {0.2, 1.5, 0.05, 0.026563035145190553, 0.03655807669354231},
      {0.2, 1.5, 0.5, 0.0, 0.0014050369318238556},
      {0.2, 1.5, 2.0, 0.0, 1.0304232015386043e-08},
      {1.0, 0.9, 0.0, 0.421485278492056, 0.42148527849205597},
      {1.0, 0.9, 0.5, 0.2826644030525421, 0.28266440305254215},
      {1.0, 0.9, 2.0, 0.038337605441033915, 0.03833760544103392},
  };

  @Test
  void oneStepClosedFormMatchesQuadrature() {
    for (double[] v : ONE_STEP) {
      SubsampledGaussianLoss add = new SubsampledGaussianLoss(v[0], v[1], Adjacency.ADD);
      SubsampledGaussianLoss remove = new SubsampledGaussianLoss(v[0], v[1], Adjacency.REMOVE);
      assertEquals(v[3], add.delta(v[2]), 1e-12 + 1e-9 * v[3], "add " + java.util.Arrays.toString(v));
      assertEquals(v[4], remove.delta(v[2]), 1e-12 + 1e-9 * v[4], "remove " + java.util.Arrays.toString(v));
    }
  }

  @Test
  void oneStepDiscretizationIsPessimisticAndTight() {
    for (double[] v : ONE_STEP) {
      for (Adjacency dir : Adjacency.values()) {
        double truth = dir == Adjacency.ADD ? v[3] : v[4];
        PrivacyLossPmf pmf = PrivacyLossPmf.subsampledGaussian(v[0], v[1], 1e-3, dir);
        double d = pmf.delta(v[2]);
        assertTrue(d >= truth - 1e-13, dir + " " + java.util.Arrays.toString(v) + ": " + d + " < " + truth);
        assertTrue(d <= truth + 1e-4, dir + " " + java.util.Arrays.toString(v) + ": " + d + " too loose");
        // Off-grid ε (between grid points) is pessimistic too.
        SubsampledGaussianLoss loss = new SubsampledGaussianLoss(v[0], v[1], dir);
        double off = v[2] + 0.00037;
        assertTrue(pmf.delta(off) >= loss.delta(off) - 1e-13, dir + " off-grid " + java.util.Arrays.toString(v));
      }
    }
  }

  @Test
  void massIsConserved() {
    PrivacyLossPmf pmf = PrivacyLossPmf.subsampledGaussian(0.05, 1.2, 1e-3, Adjacency.REMOVE);
    assertEquals(1, pmf.finiteMass() + pmf.infinityMass(), 1e-12);
    PrivacyLossPmf composed = pmf.selfCompose(100);
    assertEquals(1, composed.finiteMass() + composed.infinityMass(), 1e-9);
  }

  @Test
  void gaussianCompositionMatchesAnalyticEpsilon() {
    // {σ, T, δ, exact ε} from pld_reference.py (Balle & Wang 2018).
    double[][] cases = {{0.7, 2, 1e-5, 10.12249458390749}, {1.0, 5, 1e-6, 12.595246735506734},
        {2.0, 100, 1e-5, 33.10373233592247}};
    for (double[] c : cases) {
      PrivacyLossPmf pmf = PrivacyLossPmf.subsampledGaussian(1, c[0], 1e-3, Adjacency.REMOVE)
          .selfCompose((long) c[1]);
      double eps = pmf.epsilon(c[2]);
      assertTrue(eps >= c[3] - 1e-9, "pessimistic: " + eps + " vs " + c[3]);
      assertEquals(c[3], eps, 0.01);
    }
  }

  @Test
  void fftConvolutionMatchesDirectConvolution() {
    int n = 700;
    double[] x = new double[n];
    double[] y = new double[n + 13];
    for (int i = 0; i < n; i++) {
      x[i] = Math.exp(-0.5 * Math.pow((i - 300) / 40.0, 2));
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = 1.0 / (1 + i);
    }
    double[] fft = PrivacyLossPmf.convolve(x, y);
    for (int k = 0; k < fft.length; k += 37) {
      double direct = 0;
      for (int i = Math.max(0, k - y.length + 1); i <= Math.min(k, n - 1); i++) {
        direct += x[i] * y[k - i];
      }
      assertEquals(direct, fft[k], 1e-12 * (1 + direct), "index " + k);
    }
  }

  @Test
  void coarseningIsPessimisticAndMatchesAtGridPoints() {
    PrivacyLossPmf fine = PrivacyLossPmf.subsampledGaussian(0.02, 1.0, 1e-4, Adjacency.REMOVE).selfCompose(64);
    PrivacyLossPmf coarse = fine.coarsened(1e-2);
    assertEquals(1e-2, coarse.valueDiscretization());
    for (int k = 0; k <= 300; k++) {
      double grid = k * 1e-2;
      assertEquals(fine.delta(grid), coarse.delta(grid), 1e-12, "grid point " + grid);
      double off = grid + 0.0037;
      assertTrue(coarse.delta(off) >= fine.delta(off) - 1e-14, "off-grid " + off);
    }
  }

  @Test
  void smallSamplingRatesAreAccurateOnCoarseGrids() {
    // One step's loss (q = 0.004) is much narrower than h = 0.01: the step is discretized on a finer grid first.
    PrivacyLossPmf coarse = PrivacyLossPmf.subsampledGaussian(0.004, 1.1, 1e-2, Adjacency.REMOVE, 15000);
    PrivacyLossPmf fine = PrivacyLossPmf.subsampledGaussian(0.004, 1.1, 1e-3, Adjacency.REMOVE, 15000);
    assertEquals(fine.epsilon(1e-5), coarse.epsilon(1e-5), 0.01);
  }

  @Test
  void identityAndZeroSteps() {
    PrivacyLossPmf pmf = PrivacyLossPmf.subsampledGaussian(0.1, 1, 1e-2, Adjacency.ADD);
    assertEquals(0, pmf.selfCompose(0).epsilon(1e-5));
    assertEquals(pmf.epsilon(1e-5), pmf.compose(PrivacyLossPmf.identity(1e-2)).epsilon(1e-5), 1e-12);
  }

  @Test
  void invalidInputIsNamed() {
    assertEquals("valueDiscretization must be finite and > 0, got 0.0", assertThrows(
        IllegalArgumentException.class,
        () -> PrivacyLossPmf.subsampledGaussian(0.1, 1, 0, Adjacency.ADD)).getMessage());
    PrivacyLossPmf a = PrivacyLossPmf.identity(1e-2);
    assertThrows(IllegalArgumentException.class, () -> a.compose(PrivacyLossPmf.identity(1e-3)));
  }
}
