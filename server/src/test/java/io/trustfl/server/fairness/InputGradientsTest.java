package io.trustfl.server.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.fairness.InputGradients;
import io.trustfl.fairness.PredictionSensitivity;
import io.trustfl.model.SessionSettings;
import io.trustfl.onnx.IntentModels;
import io.trustfl.proto.ModelBundle;
import io.trustfl.train.DenseFeatures;
import io.trustfl.train.Params;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The {@code input_grad} runner against the analytic Jacobian of a linear head (logits = x·W + b, so ∂z_k/∂x_d =
 * W[d][k]), and APS through ONNX against APS computed from that analytic Jacobian.
 */
class InputGradientsTest {
  static final List<String> LABELS = List.of("a", "b", "c");

  static ModelBundle linear(List<String> labels, long seed) {
    return IntentModels.minilmMlpBundle(labels, 0, seed, "test", IntentModels.minilmEncoderSha256());
  }

  static DenseFeatures features(int rows, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[rows * 384];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return new DenseFeatures(v, rows, 384);
  }

  static Params params(ModelBundle b) {
    return Params.fromWeights(b.getInitialWeights());
  }

  @Test
  void jacobianOfLinearHeadIsItsWeightMatrix() {
    ModelBundle b = linear(LABELS, 5);
    Params p = params(b);
    float[] w = p.values(0); // head.w1 [384, 3]
    float[] bias = p.values(1);
    DenseFeatures x = features(700, 1); // 700 * 3 rows > 1024: several runs, last one padded
    try (InputGradients g = InputGradients.open(b, SessionSettings.forDevices())) {
      assertEquals(3, g.classes());
      assertEquals(384, g.dim());
      InputGradients.Jacobians j = g.compute(x, p);
      for (int i : new int[] {0, 341, 699}) {
        for (int k = 0; k < 3; k++) {
          double z = bias[k];
          for (int d = 0; d < 384; d++) {
            z += (double) x.values()[i * 384 + d] * w[d * 3 + k];
            assertEquals(w[d * 3 + k], j.jacobians()[i][k * 384 + d], 1e-6);
          }
          assertEquals(z, j.logits()[i][k], 1e-4);
        }
      }
      assertThrows(IllegalArgumentException.class, () -> g.compute(new DenseFeatures(new float[10], 1, 10), p));
    }
  }

  @Test
  void apsThroughOnnxMatchesAnalyticJacobians() {
    ModelBundle task = linear(LABELS, 5);
    ModelBundle prot = linear(List.of("female", "male"), 6);
    Params tp = params(task);
    Params pp = params(prot);
    DenseFeatures x = features(20, 2);
    double expected = 0;
    double expectedPredicted = 0;
    for (int i = 0; i < 20; i++) {
      double[] jt = analyticJacobian(tp, 3, x, i);
      double[] zt = logits(tp, 3, x, i);
      double[] jp = analyticJacobian(pp, 2, x, i);
      double[] zp = logits(pp, 2, x, i);
      double[] probT = PredictionSensitivity.probabilityJacobian(zt, jt);
      double[] probP = PredictionSensitivity.probabilityJacobian(zp, jp);
      double[] g0 = java.util.Arrays.copyOfRange(probP, 0, 384);
      expected += PredictionSensitivity.ps(probT, PredictionSensitivity.uniform(3),
          PredictionSensitivity.protectedWeights(g0));
      double[] oneHot = new double[3];
      oneHot[io.trustfl.fairness.Mitigation.argmax(zt)] = 1;
      expectedPredicted += PredictionSensitivity.ps(probT, oneHot, PredictionSensitivity.protectedWeights(g0));
    }
    expected /= 20;
    expectedPredicted /= 20;
    SessionSettings s = SessionSettings.forDevices();
    try (InputGradients t = InputGradients.open(task, s); InputGradients p = InputGradients.open(prot, s)) {
      PredictionSensitivity.Accumulated a = PredictionSensitivity.accumulate(t, tp, p, pp, 0, x);
      assertEquals(20, a.examples());
      assertEquals(expected, a.aps(), 1e-6 * Math.abs(expected) + 1e-9);
      assertThrows(IllegalArgumentException.class, () -> PredictionSensitivity.accumulate(t, tp, p, pp, 2, x));
      PredictionSensitivity.Accumulated b = PredictionSensitivity.accumulatePredicted(t, tp, p, pp, 0, x);
      assertEquals(expectedPredicted, b.aps(), 1e-6 * Math.abs(expectedPredicted) + 1e-9);
      // 1500 examples: two directional chunks of 1024 rows, the second padded
      DenseFeatures big = features(1500, 3);
      PredictionSensitivity.Accumulated full = PredictionSensitivity.accumulate(t, tp, p, pp, 0, big);
      assertEquals(1500, PredictionSensitivity.accumulatePredicted(t, tp, p, pp, 0, big).examples());
      assertTrue(full.aps() > 0);
    }
  }

  static double[] analyticJacobian(Params p, int c, DenseFeatures x, int row) {
    float[] w = p.values(0);
    double[] j = new double[c * 384];
    for (int k = 0; k < c; k++) {
      for (int d = 0; d < 384; d++) {
        j[k * 384 + d] = w[d * c + k];
      }
    }
    return j;
  }

  static double[] logits(Params p, int c, DenseFeatures x, int row) {
    float[] w = p.values(0);
    float[] b = p.values(1);
    double[] z = new double[c];
    for (int k = 0; k < c; k++) {
      z[k] = b[k];
      for (int d = 0; d < 384; d++) {
        z[k] += (double) x.values()[row * 384 + d] * w[d * c + k];
      }
    }
    return z;
  }
}
