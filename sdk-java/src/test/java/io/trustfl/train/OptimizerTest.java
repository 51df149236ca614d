package io.trustfl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Optimizer steps against values computed independently by src/test/python/optimizer_reference.py. */
class OptimizerTest {
  private static final double[][] GRADS = {{0.5, -1.0, 0.0}, {0.25, 2.0, -3.0}, {-1.0, 0.5, 4.0}};

  private static Params start() {
    return Params.of(List.of("p"), List.of(new long[] {3}), List.of(new float[] {1.0f, -2.0f, 0.5f}));
  }

  private static void run(OptimizerSpec spec, double[][] expected) {
    Params p = start();
    Optimizer opt = spec.create(p);
    for (int t = 0; t < GRADS.length; t++) {
      opt.step(p, new double[][] {GRADS[t].clone()});
      float[] got = p.values(0);
      for (int i = 0; i < 3; i++) {
        assertEquals(expected[t][i], got[i], 1e-6, "step " + (t + 1) + " element " + i);
      }
    }
    assertEquals(3, opt.steps());
  }

  @Test
  void sgdWithMomentumMatchesHandComputation() {
    // v1 = g1 = (0.5, -1, 0) → θ1 = θ0 − 0.1·v1 = (0.95, −1.9, 0.5); v2 = 0.9·v1 + g2 = (0.7, 1.1, −3) → (0.88, ...)
    run(new OptimizerSpec.Sgd(0.1, 0.9), new double[][] {
        {0.95, -1.9, 0.5}, {0.88, -2.01, 0.8}, {0.917, -2.159, 0.67}});
  }

  @Test
  void plainSgdIsMomentumZero() {
    run(new OptimizerSpec.Sgd(0.5, 0), new double[][] {
        {0.75, -1.5, 0.5}, {0.625, -2.5, 2.0}, {1.125, -2.75, 0.0}});
  }

  @Test
  void adamMatchesReference() {
    // Step 1 by hand: m̂ = g, v̂ = g², so θ moves by lr·g/(|g| + ε) = 0.01·sign(g) (almost).
    run(new OptimizerSpec.Adam(0.01, 0.9, 0.999, 1e-8), new double[][] {
        {0.9900000002, -1.9900000001, 0.5},
        {0.9806782040477462, -1.9936610353472075, 0.5074413682005996},
        {0.9827417742885411, -1.9978175473146773, 0.505780153802407}});
  }

  @Test
  void rejectsBadSettingsAndNonFiniteGradients() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OptimizerSpec.Sgd(-1, 0));
    assertEquals("learningRate must be finite and > 0, got -1.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new OptimizerSpec.Sgd(0.1, 1.0));
    assertThrows(IllegalArgumentException.class, () -> new OptimizerSpec.Adam(0.1, 0.9, 1.0, 1e-8));
    assertThrows(IllegalArgumentException.class, () -> new OptimizerSpec.Adam(0.1, 0.9, 0.99, 0));
    Params p = start();
    Optimizer opt = OptimizerSpec.Adam.withDefaults(0.1).create(p);
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> opt.step(p, new double[][] {{0, Double.NaN, 0}}));
    assertTrue(nan.getMessage().contains("non-finite"), nan.getMessage());
    assertEquals(1.0f, p.values(0)[0]);
  }
}
