package io.trustfl.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trustfl.kernels.JavaKernels;
import io.trustfl.privacy.NoiseKey;
import io.trustfl.proto.Weights;
import io.trustfl.proto.WeightsCodec;
import java.nio.DoubleBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UpdateStageTest {
  private static UpdateDelta delta(float[] a, float[] b) {
    return new UpdateDelta(List.of("a", "b"), List.of(new long[] {a.length}, new long[] {b.length}),
        List.of(a, b));
  }

  @Test
  void clipScalesTheWholeDeltaToTheNorm() {
    // ‖(3, 0, 4)‖ = 5 → clip to 1 gives (0.6, 0, 0.8).
    UpdateDelta d = delta(new float[] {3, 0}, new float[] {4});
    Map<String, Double> m = new HashMap<>();
    UpdateStage.clip(1).apply(d, m);
    assertArrayEquals(new float[] {0.6f, 0f}, d.values(0), 1e-7f);
    assertArrayEquals(new float[] {0.8f}, d.values(1), 1e-7f);
    assertEquals(5.0, m.get("delta_norm_before_clip"));
  }

  @Test
  void clipRefusesNonFiniteDeltas() {
    UpdateDelta d = delta(new float[] {Float.NaN}, new float[] {1});
    assertThrows(IllegalStateException.class, () -> UpdateStage.clip(1).apply(d, new HashMap<>()));
    assertEquals("clipNorm must be finite and > 0, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> UpdateStage.clip(-1)).getMessage());
  }

  @Test
  void noiseIsTheChaChaStreamAtIndexesZeroToDMinusOneScaledByStddev() {
    NoiseKey key = NoiseKey.insecureFixedKeyForTesting(new byte[32]);
    try (JavaKernels k = new JavaKernels()) {
      double[] z = new double[3];
      k.gaussian(key, 9, 0, DoubleBuffer.wrap(z));
      UpdateDelta d = delta(new float[] {1, 2}, new float[] {3});
      UpdateStage.gaussianNoise(k, key, 9, 0.5).apply(d, new HashMap<>());
      assertArrayEquals(new float[] {(float) (1 + 0.5 * z[0]), (float) (2 + 0.5 * z[1])}, d.values(0));
      assertArrayEquals(new float[] {(float) (3 + 0.5 * z[2])}, d.values(1));
    }
  }

  @Test
  void stochasticQuantizationIsUnbiasedAndEncodesAsQuantized() {
    // Values on a 2-bit grid over [0, 3] with step 1: 1.25 rounds to 1 (p = .75) or 2 (p = .25).
    SplittableRandom rnd = new SplittableRandom(5);
    UpdateStage q = UpdateStage.stochasticQuantization(2, rnd);
    double sum = 0;
    int trials = 20000;
    for (int t = 0; t < trials; t++) {
      UpdateDelta d = delta(new float[] {0f, 1.25f, 3f}, new float[] {7f});
      q.apply(d, new HashMap<>());
      float v = d.values(0)[1];
      assertEquals(0f, d.values(0)[0]);
      assertEquals(3f, d.values(0)[2]);
      assertEquals(7f, d.values(1)[0], "a constant tensor stays exact");
      assertEquals(true, v == 1f || v == 2f, "rounds to a neighbour, got " + v);
      sum += v;
      if (t == 0) {
        Weights w = d.toWeights();
        assertArrayEquals(d.values(0), WeightsCodec.decode(w.getTensors(0)));
        assertEquals(2, w.getTensors(0).getQuantization().getBits());
      }
    }
    // The mean of 20000 draws of 1 + Bernoulli(.25) has sd ≈ 0.0031.
    assertEquals(1.25, sum / trials, 0.015);
  }

  @Test
  void quantizationValidatesBits() {
    assertEquals("quantization bits must be in [1, 16], got 17", assertThrows(IllegalArgumentException.class,
        () -> UpdateStage.stochasticQuantization(17, new SplittableRandom())).getMessage());
  }
}
