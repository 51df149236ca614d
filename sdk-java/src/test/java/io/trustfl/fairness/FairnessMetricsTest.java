package io.trustfl.fairness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Metric math against independent values: hand computations in the comments and numpy brute force
 * ({@code src/test/python/fairness_reference.py}, which enumerates every partition and every AUC pair).
 */
class FairnessMetricsTest {
  static final List<float[]> X = List.of(v(1, 0.2, 0.1), v(0.9, 0.1, 0.3), v(0.8, 0.4, 0.0), v(1.0, 0.3, 0.2));
  static final List<float[]> Y = List.of(v(0.1, 1, 0.2), v(0.3, 0.8, 0.1), v(0.2, 0.9, 0.4), v(0.0, 1.0, 0.3));
  static final List<float[]> A = List.of(v(1, 0, 0), v(0.9, 0.1, 0.1), v(0.8, 0.0, 0.3));
  static final List<float[]> B = List.of(v(0, 1, 0), v(0.1, 0.9, 0.2), v(0.2, 0.7, 0.1));

  static float[] v(double... xs) {
    float[] f = new float[xs.length];
    for (int i = 0; i < xs.length; i++) {
      f[i] = (float) xs[i];
    }
    return f;
  }

  @Test
  void weatMatchesNumpyExactPermutationTest() {
    WeatResult r = AssociationTests.weat(X, Y, A, B);
    // float32 inputs vs numpy float64 inputs: agreement to ~1e-7
    assertEquals(1.8317917281170466, r.effectSize(), 1e-6);
    assertTrue(r.exact());
    assertEquals(70, r.partitions());
    assertEquals(1.0 / 70, r.pValue(), 1e-15); // only the observed partition reaches the observed statistic
    assertEquals(0.5002313374606067, r.variance(), 1e-6);
  }

  @Test
  void weatMixedSetsMatchNumpy() {
    List<float[]> x2 = List.of(X.get(0), X.get(1), Y.get(2), X.get(3));
    List<float[]> y2 = List.of(Y.get(0), Y.get(1), X.get(2), Y.get(3));
    WeatResult r = AssociationTests.weat(x2, y2, A, B);
    assertEquals(1.1278843080354601, r.effectSize(), 1e-6);
    assertEquals(3.0 / 70, r.pValue(), 1e-15);
  }

  @Test
  void swappingTargetsNegatesEffectSizeAndSwappingAttributesToo() {
    WeatResult r = AssociationTests.weat(X, Y, A, B);
    assertEquals(-r.effectSize(), AssociationTests.weat(Y, X, A, B).effectSize(), 1e-12);
    assertEquals(-r.effectSize(), AssociationTests.weat(X, Y, B, A).effectSize(), 1e-12);
    // reversed direction: every partition but the most extreme one reaches it
    assertEquals(1.0, AssociationTests.weat(Y, X, A, B).pValue(), 1e-15);
  }

  @Test
  void sampledPermutationTestAgreesWithExactOne() {
    List<float[]> x2 = List.of(X.get(0), X.get(1), Y.get(2), X.get(3));
    List<float[]> y2 = List.of(Y.get(0), Y.get(1), X.get(2), Y.get(3));
    WeatResult sampled = AssociationTests.weat(x2, y2, A, B, 20, 7); // C(8,4) = 70 > 20 -> sampled
    assertFalse(sampled.exact());
    assertEquals(20, sampled.partitions());
    WeatResult many = AssociationTests.weat(x2, y2, A, B, 69, 7);
    assertFalse(many.exact());
    // 69 draws of a 3/70 event: binomial sd ~ 0.024
    assertEquals(3.0 / 70, many.pValue(), 0.08);
    assertEquals(sampled, AssociationTests.weat(x2, y2, A, B, 20, 7), "seeded: same result");
  }

  @Test
  void weatOnLargerRandomSetsSamplesAndStaysInRange() {
    SplittableRandom rng = new SplittableRandom(3);
    List<float[]> x = new ArrayList<>();
    List<float[]> y = new ArrayList<>();
    for (int i = 0; i < 12; i++) { // C(24,12) = 2,704,156 > 100,000 -> sampled
      x.add(v(rng.nextDouble(), rng.nextDouble(), rng.nextDouble()));
      y.add(v(rng.nextDouble(), rng.nextDouble(), rng.nextDouble()));
    }
    WeatResult r = AssociationTests.weat(x, y, A, B, 2000, 1);
    assertFalse(r.exact());
    assertTrue(r.pValue() > 0 && r.pValue() <= 1);
    assertEquals(2_704_156.0, AssociationTests.binomial(24, 12));
  }

  @Test
  void weatValidation() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AssociationTests.weat(X, Y, List.of(), B));
    assertEquals("set A must hold at least one vector", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> AssociationTests.weat(X, List.of(v(1, 2)), A, B));
    assertEquals("set Y: every vector must have dimension 3, got 2", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AssociationTests.weat(X, List.of(v(0, 0, 0)), A, B));
  }

  @Test
  void derSimonianLairdMatchesNumpy() {
    CeatResult r = AssociationTests.randomEffects(new double[] {0.5, 0.8, 0.2, 1.1, 0.6},
        new double[] {0.04, 0.09, 0.05, 0.12, 0.02});
    assertEquals(5.83009708737864, r.q(), 1e-12);
    assertEquals(0.022329713721618943, r.tau2(), 1e-12);
    assertEquals(0.5734786060553853, r.combinedEffectSize(), 1e-12);
    assertEquals(0.12001969061835098, r.standardError(), 1e-12);
    assertEquals(8.843379755042666e-07, r.pValue(), 1e-15);
  }

  @Test
  void derSimonianLairdHandCase() {
    // ES = (1, 3), v = (1, 1): w = 1, Q = (1 + 9) - 16/2 = 2, tau2 = (2 - 1)/(2 - 1) = 1, w* = 1/2 each,
    // CES = 2, SE = sqrt(1/1) = 1
    CeatResult r = AssociationTests.randomEffects(new double[] {1, 3}, new double[] {1, 1});
    assertEquals(2, r.q(), 1e-15);
    assertEquals(1, r.tau2(), 1e-15);
    assertEquals(2, r.combinedEffectSize(), 1e-15);
    assertEquals(1, r.standardError(), 1e-15);
    assertEquals(0.022750131948179195, r.pValue(), 1e-15); // 1 - Phi(2)
    assertThrows(IllegalArgumentException.class,
        () -> AssociationTests.randomEffects(new double[] {1, 2}, new double[] {1, 0}));
  }

  @Test
  void ceatWithOneContextPerWordIsTheWeatEffectSize() {
    List<List<float[]>> x = X.stream().map(List::of).toList();
    List<List<float[]>> y = Y.stream().map(List::of).toList();
    List<List<float[]>> a = A.stream().map(List::of).toList();
    List<List<float[]>> b = B.stream().map(List::of).toList();
    CeatResult r = AssociationTests.ceat(x, y, a, b, 5, 1);
    WeatResult w = AssociationTests.weat(X, Y, A, B);
    // identical samples: Q = 0, tau2 = 0, CES = ES, SE = sqrt(v/N)
    assertEquals(w.effectSize(), r.combinedEffectSize(), 1e-12);
    assertEquals(0, r.tau2());
    assertEquals(Math.sqrt(w.variance() / 5), r.standardError(), 1e-12);
  }

  static final double[] SCORES = {0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1, 0.5, 0.65};
  static final boolean[] LABELS = b(1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1);
  static final boolean[] GROUP = b(1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0);

  static boolean[] b(int... xs) {
    boolean[] out = new boolean[xs.length];
    for (int i = 0; i < xs.length; i++) {
      out[i] = xs[i] != 0;
    }
    return out;
  }

  @Test
  void aucsMatchPairwiseBruteForce() {
    assertEquals(0.7361111111111112, GroupMetrics.auc(SCORES, LABELS), 1e-15);
    BiasAucs r = BiasAucs.of(SCORES, LABELS, GROUP);
    assertEquals(0.5555555555555556, r.subgroup(), 1e-15);
    assertEquals(0.7222222222222222, r.bpsn(), 1e-15);
    assertEquals(0.7777777777777778, r.bnsp(), 1e-15);
    assertEquals(6, r.groupSize());
  }

  @Test
  void aucHandCasesWithTies() {
    // pos {0.5, 0.9}, neg {0.5, 0.1}: pairs (0.5,0.5)=1/2, (0.5,0.1)=1, (0.9,*)=1+1 -> 3.5/4
    assertEquals(0.875, GroupMetrics.auc(new double[] {0.5, 0.9, 0.5, 0.1}, b(1, 1, 0, 0)), 1e-15);
    assertEquals(0.5, GroupMetrics.auc(new double[] {1, 1, 1, 1}, b(1, 0, 1, 0)), 1e-15);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GroupMetrics.auc(new double[] {1, 2}, b(1, 1)));
    assertEquals("AUC needs both classes, got 2 positive and 0 negative examples", e.getMessage());
  }

  @Test
  void parityAndEqualizedOdds() {
    boolean[] pred = new boolean[SCORES.length];
    for (int i = 0; i < pred.length; i++) {
      pred[i] = SCORES[i] >= 0.5;
    }
    assertEquals(0.0, GroupMetrics.demographicParityDifference(pred, GROUP), 1e-15);
    assertEquals(0.33333333333333337, GroupMetrics.equalizedOddsDifference(pred, LABELS, GROUP), 1e-15);
    // hand: group rate 2/3, rest 1/4 -> 5/12
    assertEquals(5.0 / 12, GroupMetrics.demographicParityDifference(b(1, 1, 0, 1, 0, 0, 0), b(1, 1, 1, 0, 0, 0, 0)),
        1e-15);
  }

  @Test
  void generalizedMeanReferenceVector() {
    assertEquals(0.8029, GroupMetrics.generalizedMean(new double[] {0.95, 0.90, 0.80, 0.70}, BiasAucs.POWER), 5e-5);
    assertEquals(0.8029085846353006, GroupMetrics.generalizedMean(new double[] {0.95, 0.90, 0.80, 0.70}, -5),
        1e-14);
    assertEquals(2.0, GroupMetrics.generalizedMean(new double[] {1, 4}, 0), 1e-15); // geometric
    assertEquals(2.5, GroupMetrics.generalizedMean(new double[] {1, 4}, 1), 1e-15);
  }

  @Test
  void bootstrapIsSeededAndBracketsTheEstimate() {
    Interval a = Bootstrap.percentile(SCORES.length, idx -> {
      double[] s = new double[idx.length];
      boolean[] l = new boolean[idx.length];
      for (int i = 0; i < idx.length; i++) {
        s[i] = SCORES[idx[i]];
        l[i] = LABELS[idx[i]];
      }
      return GroupMetrics.auc(s, l);
    }, 500, 0.95, 11);
    assertEquals(0.7361111111111112, a.estimate(), 1e-15);
    assertTrue(a.lower() <= a.estimate() && a.estimate() <= a.upper(), a.toString());
    assertTrue(a.replicates() > 450);
    assertEquals(a, Bootstrap.percentile(SCORES.length, idx -> {
      double[] s = new double[idx.length];
      boolean[] l = new boolean[idx.length];
      for (int i = 0; i < idx.length; i++) {
        s[i] = SCORES[idx[i]];
        l[i] = LABELS[idx[i]];
      }
      return GroupMetrics.auc(s, l);
    }, 500, 0.95, 11));
    // quantile interpolation as numpy: quantile([1,2,3,4], 0.25) = 1.75
    assertEquals(1.75, Bootstrap.quantile(new double[] {1, 2, 3, 4}, 0.25), 1e-15);
  }

  @Test
  void predictionSensitivityMatchesNumpy() {
    double[][] w = {{0.5, -0.2, 0.1}, {0.3, 0.4, -0.6}, {-0.1, 0.2, 0.3}, {0.7, -0.5, 0.2}};
    double[] bias = {0.1, -0.1, 0.05};
    double[] x = {0.2, -0.4, 1.0, 0.3};
    double[] z = new double[3];
    double[] jz = new double[12];
    for (int k = 0; k < 3; k++) {
      z[k] = bias[k];
      for (int d = 0; d < 4; d++) {
        z[k] += x[d] * w[d][k];
        jz[k * 4 + d] = w[d][k];
      }
    }
    double[] jp = PredictionSensitivity.probabilityJacobian(z, jz);
    assertArrayEquals(new double[] {0.10323879872594789, 0.13078858958191844, -0.07900030140022507,
        0.14874227748458466, -0.07179578162680612, 0.10398766202073463, 0.00838606922536173, -0.14126511835968122,
        -0.031443017099141775, -0.23477625160265306, 0.07061423217486333, -0.007477159124903439}, jp, 1e-14);
    // one weighted logit gradient per class reproduces the numpy softmax-Jacobian rows
    for (int k = 0; k < 3; k++) {
      double[] c = PredictionSensitivity.probabilityGradientWeights(z, k);
      for (int d = 0; d < 4; d++) {
        double row = 0;
        for (int j = 0; j < 3; j++) {
          row += c[j] * jz[j * 4 + d];
        }
        assertEquals(jp[k * 4 + d], row, 1e-15);
      }
    }
    double[] wv = PredictionSensitivity.protectedWeights(new double[] {0.3, -0.1, 0.0, 0.6});
    assertArrayEquals(new double[] {0.3, 0.1, 0, 0.6}, wv, 1e-15);
    assertEquals(0.09579642084586697, PredictionSensitivity.ps(jp, PredictionSensitivity.uniform(3), wv), 1e-14);
  }

  @Test
  void predictionSensitivityHandCase() {
    // J = [[1, -2], [3, 0]], v = (1, 0.5), w = (0.25, 0.75): 1*(0.25 + 1.5) + 0.5*(0.75 + 0) = 2.125
    assertEquals(2.125, PredictionSensitivity.ps(new double[] {1, -2, 3, 0}, new double[] {1, 0.5},
        new double[] {0.25, 0.75}), 1e-15);
    assertArrayEquals(new double[] {0, 0}, PredictionSensitivity.protectedWeights(new double[] {0, 0}));
    // a classifier whose gradient is zero on the protected features has PS 0
    assertEquals(0, PredictionSensitivity.ps(new double[] {1, 0, 3, 0}, new double[] {1, 1},
        new double[] {0, 1}), 0);
  }
}
