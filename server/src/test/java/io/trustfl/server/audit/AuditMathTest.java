package io.trustfl.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Audit math against REFERENCES.md &sect;5 vectors and values from scipy (src/test/python/audit_reference.py), plus
 * hand-computed ROC cases.
 */
class AuditMathTest {
  @Test
  void clopperPearsonMatchesScipyBetaQuantiles() {
    ClopperPearson.Interval i = ClopperPearson.twoSided(90, 100, 0.05);
    assertEquals(0.8237774022599773, i.lower(), 1e-9);
    assertEquals(0.9509953107785141, i.upper(), 1e-9);
    assertEquals(0.0, ClopperPearson.twoSided(0, 10, 0.05).lower());
    assertEquals(0.3084971078187607, ClopperPearson.twoSided(0, 10, 0.05).upper(), 1e-9);
    assertEquals(0.6915028921812392, ClopperPearson.twoSided(10, 10, 0.05).lower(), 1e-9);
    assertEquals(1.0, ClopperPearson.twoSided(10, 10, 0.05).upper());
    assertEquals(0.0320709371854637, ClopperPearson.twoSided(3, 20, 0.05).lower(), 1e-9);
    assertEquals(0.37892682654531396, ClopperPearson.upper(3, 20, 0.025), 1e-9);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClopperPearson.twoSided(11, 10, 0.05));
    assertEquals("successes must be in [0, trials=10], got 11", e.getMessage());
  }

  @Test
  void jagielskiAndNasrBoundsMatchReferenceVectors() {
    assertEquals(1.5422, EmpiricalEpsilon.jagielski(90, 100, 10, 100, 0, 0.05), 1e-4);
    assertEquals(1.5421523947363345, EmpiricalEpsilon.jagielski(90, 100, 10, 100, 0, 0.05), 1e-9);
    assertEquals(1.2613076455152759, EmpiricalEpsilon.jagielski(50, 100, 5, 100, 1e-5, 0.05), 1e-9);
    assertEquals(1.5421523947363345, EmpiricalEpsilon.nasr(90, 100, 10, 100, 0, 0.05), 1e-9);
    assertEquals(2.511655786990444, EmpiricalEpsilon.nasr(80, 100, 5, 200, 1e-3, 0.05), 1e-9);
    // an attack at chance certifies nothing; an inverted attack is bounded through the complementary rates
    assertEquals(0.0, EmpiricalEpsilon.jagielski(50, 100, 50, 100, 0, 0.05));
    assertEquals(EmpiricalEpsilon.jagielski(90, 100, 10, 100, 0, 0.05),
        EmpiricalEpsilon.jagielski(10, 100, 90, 100, 0, 0.05), 1e-12);
  }

  @Test
  void oneRunBoundMatchesReferenceVector() {
    assertEquals(1.6308, EmpiricalEpsilon.oneRun(1000, 100, 90, 0, 0.05), 1e-4);
    assertEquals(1.6308231927409742, EmpiricalEpsilon.oneRun(1000, 100, 90, 0, 0.05), 1e-7);
    assertEquals(1.6261434806957262, EmpiricalEpsilon.oneRun(1000, 100, 90, 1e-5, 0.05), 1e-7);
    assertEquals(0.45968632008919086, EmpiricalEpsilon.oneRun(200, 40, 30, 0, 0.05), 1e-7);
    assertEquals(2.7358128007661584e-05, EmpiricalEpsilon.oneRunPValue(1000, 100, 90, 1.0, 0), 1e-12);
    assertEquals(0.0, EmpiricalEpsilon.oneRun(1000, 100, 50, 0, 0.05));
    assertEquals(0.0, EmpiricalEpsilon.oneRun(1000, 0, 0, 0, 0.05));
    assertThrows(IllegalArgumentException.class, () -> EmpiricalEpsilon.oneRun(10, 20, 5, 0, 0.05));
  }

  @Test
  void rocOfHandCaseGivesMannWhitneyAucAdvantageAndLowFprTpr() {
    // members 0.9 0.8 0.7 0.3 ; non-members 0.6 0.4 0.2 0.1 0.05: 18 of 20 pairs ordered -> AUC 0.9
    RocCurve roc = RocCurve.of(new double[] {0.9, 0.8, 0.7, 0.3}, new double[] {0.6, 0.4, 0.2, 0.1, 0.05});
    assertEquals(0.9, roc.auc(), 1e-12);
    // threshold 0.7: TPR 3/4, FPR 0 -> advantage 0.75
    assertEquals(0.75, roc.advantage(), 1e-12);
    assertEquals(0.75, roc.tprAtFpr(0.01), 1e-12);
    assertEquals(0.75, roc.tprAtFpr(0.001), 1e-12);
    // at that point PPV = 0.75/(0.75 + gamma*0) = 1
    assertEquals(1.0, roc.ppv(5.0 / 4), 1e-12);
    AttackMetrics m = roc.metrics();
    assertEquals(4, m.members());
    assertEquals(5, m.nonMembers());
    // ties count one half: members 1, .5, .5 vs non-members .5, 0 -> (2 + 0.5 + 0.5 + 1 + 1)/6
    assertEquals(0.8333333333333334, RocCurve.of(new double[] {1, 0.5, 0.5}, new double[] {0.5, 0}).auc(), 1e-12);
    // PPV by hand: members .9 .1, non-members .5 .2 -> best |TPR-FPR| = 0.5 at threshold .9 (TPR .5, FPR 0)
    assertEquals(1.0, RocCurve.of(new double[] {0.9, 0.1}, new double[] {0.5, 0.2}).ppv(1), 1e-12);
    // threshold 0.5 on members .9 .6, non-members .5 .4 .3 .2: TPR 1 FPR 0; with gamma 2 PPV 1
    RocCurve r2 = RocCurve.of(new double[] {0.9, 0.45}, new double[] {0.5, 0.4, 0.3, 0.2});
    // thresholds: .9 (1/2,0) .5 (1/2,1/4) .45 (1,1/4) -> adv .75 at .45: PPV = 1/(1 + 2*.25) = 2/3
    assertEquals(0.75, r2.advantage(), 1e-12);
    assertEquals(2.0 / 3, r2.ppv(2), 1e-12);
  }

  @Test
  void rocOfIdenticalDistributionsSitsAtChance() {
    Random rnd = new Random(3);
    double[] a = new double[4000];
    double[] b = new double[4000];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextGaussian();
      b[i] = rnd.nextGaussian();
    }
    RocCurve roc = RocCurve.of(a, b);
    assertEquals(0.5, roc.auc(), 0.02);
    assertTrue(roc.tprAtFpr(0.01) < 0.03, "TPR at 1% FPR " + roc.tprAtFpr(0.01));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RocCurve.of(new double[0], new double[] {1}));
    assertEquals("need >= 1 member and >= 1 non-member score, got 0 and 1", e.getMessage());
  }

  @Test
  void skewNormalCdfAndMomentFitMatchScipy() {
    assertEquals(0.1415806036539784, SkewNormal.owensT(0.5, 2.0), 1e-10);
    assertEquals(0.01549593715332126, new SkewNormal(4, 1, 2).cdf(0.5), 1e-9);
    assertEquals(0.6826903101061198, new SkewNormal(4, 1, 2).cdf(3.0), 1e-9);
    assertEquals(0.31725426342920227, new SkewNormal(-3, 0, 1).cdf(-1.0), 1e-9);
    // fit to exact moments of skewnorm(4, 1, 2): mean 2.5481234452893036, var 1.6033137981455758, skew 0.78443
    // a sample from it (inverse-CDF by bisection on our own CDF would be circular): use the stochastic
    // representation X = xi + omega*(delta*|U| + sqrt(1-delta^2)*V), U, V standard normal
    Random rnd = new Random(7);
    double delta = 4 / Math.sqrt(17);
    double[] xs = new double[200_000];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = 1 + 2 * (delta * Math.abs(rnd.nextGaussian()) + Math.sqrt(1 - delta * delta) * rnd.nextGaussian());
    }
    SkewNormal fit = SkewNormal.fitMoments(xs);
    assertEquals(2.5481234452893036, fit.mean(), 0.01);
    assertEquals(4.0, fit.shape(), 0.6);
    assertEquals(1.0, fit.location(), 0.05);
    assertEquals(2.0, fit.scale(), 0.05);
    assertThrows(IllegalArgumentException.class, () -> SkewNormal.fitMoments(new double[] {1, 1, 1}));
  }

  @Test
  void extrapolatedExposureFollowsTheFittedTail() {
    // candidate losses ~ N(5, 1) (skew 0 -> the fit is normal): a canary at loss 2 has CDF Phi(-3) = 0.0013499,
    // exposure -log2(0.0013499) = 9.5330 (scipy: norm.cdf(-3)); capped at log2 |R|
    Random rnd = new Random(2);
    double[] losses = new double[100_000];
    for (int i = 0; i < losses.length; i++) {
      losses[i] = 5 + rnd.nextGaussian();
    }
    assertEquals(9.533, CanaryExposure.extrapolate(losses, 2.0, 1L << 40), 0.15);
    assertEquals(1.0, CanaryExposure.extrapolate(losses, 5.0, 1L << 40), 0.05);
    assertEquals(Math.log(1e4) / Math.log(2), CanaryExposure.extrapolate(losses, -100, 10_000), 1e-12);
  }
}
