package io.trustfl.nativecpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.kernels.JavaKernels;
import io.trustfl.kernels.StreamingAggregator;
import io.trustfl.kernels.StreamingAggregator.UpdateOutcome;
import io.trustfl.nativecpu.TestBuffers.Kind;
import io.trustfl.privacy.ChaChaGaussian;
import io.trustfl.privacy.NoiseKey;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The cpu streaming aggregator against the Java one: same outcomes, sums within rounding, noise bit-identical. */
class CpuStreamingAggregatorTest {
  private static CpuKernels cpu;
  private static final JavaKernels JAVA = new JavaKernels();

  @BeforeAll
  static void open() {
    cpu = CpuKernels.open(2);
  }

  @AfterAll
  static void close() {
    cpu.close();
  }

  private static void assertOutcome(UpdateOutcome expected, UpdateOutcome actual) {
    assertEquals(expected.accepted(), actual.accepted());
    if (Double.isNaN(expected.norm())) {
      assertTrue(Double.isNaN(actual.norm()));
    } else {
      assertEquals(expected.norm(), actual.norm(), 1e-13 * expected.norm());
    }
    assertEquals(expected.clipFactor(), actual.clipFactor(), 1e-13);
  }

  private static void assertSums(double[] expected, double[] actual, double tol) {
    assertEquals(expected.length, actual.length);
    for (int j = 0; j < expected.length; j++) {
      assertEquals(expected[j], actual[j], tol, "element " + j);
    }
  }

  @ParameterizedTest(name = "dim={0} clip={1}")
  @CsvSource({"1,1.0", "7,0.5", "1000,3.0", "65537,10.0", "33,Infinity"})
  void matchesJavaAggregator(int dim, double clip) {
    SplittableRandom r = new SplittableRandom(dim);
    try (StreamingAggregator a = cpu.newAggregator(dim, clip); StreamingAggregator j = JAVA.newAggregator(dim, clip)) {
      assertEquals(dim, a.dimension());
      assertEquals(clip, a.clipNorm());
      for (int u = 0; u < 20; u++) {
        float[] upd = TestBuffers.uniform(r, dim, 1.0 + u);
        if (u == 3) {
          upd[dim - 1] = Float.NaN;
        }
        if (u == 4) {
          upd[0] = Float.NEGATIVE_INFINITY;
        }
        if (u == 5) {
          java.util.Arrays.fill(upd, 0f);
        }
        double w = u == 6 ? 0.0 : 0.5 + r.nextDouble();
        Kind kind = Kind.values()[u % Kind.values().length];
        assertOutcome(j.accumulate(FloatBuffer.wrap(upd), w), a.accumulate(TestBuffers.floats(upd, kind), w));
      }
      assertEquals(j.acceptedCount(), a.acceptedCount());
      assertEquals(18, a.acceptedCount());
      assertEquals(2, a.rejectedCount());
      assertEquals(j.weightSum(), a.weightSum(), 0.0);
      assertSums(j.partialSum(), a.partialSum(), 1e-11 * Math.sqrt(dim));
      NoiseKey key = NoiseKey.random();
      double[] jr = j.finish(key, 5, 2.5);
      double[] ar = a.finish(key, 5, 2.5);
      assertSums(jr, ar, 1e-11 * Math.sqrt(dim));
      assertThrows(IllegalStateException.class, () -> a.finish(key, 5, 2.5));
      assertThrows(IllegalStateException.class, a::partialSum);
    }
  }

  @Test
  void finishAddsExactlyTheChaChaNoiseOnce() {
    int dim = 1003;
    try (StreamingAggregator a = cpu.newAggregator(dim, 1.0)) {
      float[] upd = new float[dim];
      upd[0] = 0.5f; // norm 0.5, not clipped; weight 2 -> sum[0] = 1.0 exactly
      a.accumulate(FloatBuffer.wrap(upd), 2.0);
      NoiseKey key = NoiseKey.random();
      double[] expected = a.partialSum();
      assertEquals(1.0, expected[0], 0.0);
      ChaChaGaussian.addScaled(key, 9, 0, 0.25, expected, 0, dim);
      double[] got = a.finish(key, 9, 0.25);
      for (int i = 0; i < dim; i++) {
        assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(got[i]), "element " + i);
      }
    }
  }

  @Test
  void mergeIsTheSumOfPartsAcrossBackends() {
    int dim = 513;
    SplittableRandom r = new SplittableRandom(11);
    float[][] updates = new float[9][];
    for (int i = 0; i < updates.length; i++) {
      updates[i] = TestBuffers.uniform(r, dim, 2.0);
    }
    try (StreamingAggregator whole = cpu.newAggregator(dim, 5.0); StreamingAggregator left = cpu.newAggregator(dim, 5.0);
        StreamingAggregator right = cpu.newAggregator(dim, 5.0);
        StreamingAggregator javaPart = JAVA.newAggregator(dim, 5.0)) {
      for (int i = 0; i < updates.length; i++) {
        whole.accumulate(FloatBuffer.wrap(updates[i]), 1.0);
        StreamingAggregator part = i < 3 ? left : i < 6 ? right : javaPart;
        part.accumulate(FloatBuffer.wrap(updates[i]), 1.0);
      }
      left.merge(right); // native into native
      left.merge(javaPart); // java into native
      assertEquals(9, left.acceptedCount());
      assertEquals(9.0, left.weightSum(), 0.0);
      assertSums(whole.partialSum(), left.partialSum(), 1e-12);
      assertEquals(3, right.acceptedCount(), "other is left unchanged");
      assertThrows(IllegalArgumentException.class, () -> left.merge(left));
      try (StreamingAggregator other = cpu.newAggregator(dim + 1, 5.0)) {
        assertThrows(IllegalArgumentException.class, () -> left.merge(other));
      }
      right.finish(null, 0, 0.0);
      assertThrows(IllegalStateException.class, () -> left.merge(right));
    }
  }

  @Test
  void validation() {
    assertThrows(IllegalArgumentException.class, () -> cpu.newAggregator(0, 1.0));
    assertThrows(IllegalArgumentException.class, () -> cpu.newAggregator(3, -1.0));
    StreamingAggregator a = cpu.newAggregator(3, 1.0);
    assertThrows(IllegalArgumentException.class, () -> a.accumulate(FloatBuffer.wrap(new float[3]), -1.0));
    assertThrows(IllegalArgumentException.class, () -> a.accumulate(FloatBuffer.wrap(new float[2]), 1.0));
    assertThrows(IllegalArgumentException.class, () -> a.finish(null, 0, -1.0));
    assertThrows(NullPointerException.class, () -> a.finish(null, 0, 1.0));
    UpdateOutcome o = a.accumulate(FloatBuffer.wrap(new float[] {Float.NaN, 0, 0}), 1.0);
    assertFalse(o.accepted());
    assertEquals(0.0, o.clipFactor());
    assertArrayEquals(new double[3], a.partialSum());
    a.close();
    a.close();
    assertThrows(IllegalStateException.class, () -> a.accumulate(FloatBuffer.wrap(new float[3]), 1.0));
  }
}
