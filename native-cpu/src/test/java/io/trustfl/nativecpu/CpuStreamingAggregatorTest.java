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
import org.junit.jupiter.params.provider.ValueSource;

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

  /**
   * Updates are staged in blocks and added in one pass per block. Without clipping every update's scale is its
   * weight exactly, so the blocked sums must equal the Java aggregator's one-by-one sums bit for bit, whatever the
   * block size and wherever the sum is read, merged or noised in the middle of a block.
   */
  @ParameterizedTest(name = "block={0}")
  @ValueSource(ints = {1, 3, 16})
  void blocksAddTheUpdatesInArrivalOrderBitForBit(int blockRows) {
    int dim = 1001;
    String before = System.setProperty(CpuStreamingAggregator.BLOCK_ROWS_PROPERTY, Integer.toString(blockRows));
    try (StreamingAggregator a = cpu.newAggregator(dim, Double.POSITIVE_INFINITY);
        StreamingAggregator other = cpu.newAggregator(dim, Double.POSITIVE_INFINITY);
        StreamingAggregator j = JAVA.newAggregator(dim, Double.POSITIVE_INFINITY);
        StreamingAggregator jOther = JAVA.newAggregator(dim, Double.POSITIVE_INFINITY)) {
      SplittableRandom r = new SplittableRandom(blockRows);
      double maxNorm = 0.6 * Math.sqrt(dim / 3.0); // a uniform(-1, 1) update has norm ~ sqrt(dim / 3)
      for (int u = 0; u < 41; u++) {
        float[] upd = TestBuffers.uniform(r, dim, u % 7 == 5 ? 1.0 : 0.5);
        if (u % 11 == 4) {
          upd[u] = Float.NaN;
        }
        double w = u % 13 == 6 ? 0.0 : 0.25 + r.nextDouble();
        Kind kind = Kind.values()[u % Kind.values().length];
        UpdateOutcome expected = j.accumulate(FloatBuffer.wrap(upd), w, maxNorm);
        assertOutcome(expected, a.accumulate(TestBuffers.floats(upd, kind), w, maxNorm));
        if (u == 9 || u == 17) {
          assertBits(j.partialSum(), a.partialSum());
        }
      }
      assertTrue(a.rejectedCount() >= 8, "NaN and over-bound updates were rejected: " + a.rejectedCount());
      assertEquals(j.acceptedCount(), a.acceptedCount());
      assertEquals(j.rejectedCount(), a.rejectedCount());
      for (int u = 0; u < 5; u++) { // staged in `other`, not yet added, when it is merged
        float[] upd = TestBuffers.uniform(r, dim, 0.5);
        other.accumulate(FloatBuffer.wrap(upd), 1.0);
        jOther.accumulate(FloatBuffer.wrap(upd), 1.0);
      }
      a.merge(other);
      j.merge(jOther);
      assertEquals(5, other.acceptedCount());
      NoiseKey key = NoiseKey.random();
      assertBits(j.finish(key, 3, 0.5), a.finish(key, 3, 0.5));
    } finally {
      if (before == null) {
        System.clearProperty(CpuStreamingAggregator.BLOCK_ROWS_PROPERTY);
      } else {
        System.setProperty(CpuStreamingAggregator.BLOCK_ROWS_PROPERTY, before);
      }
    }
  }

  private static void assertBits(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]), "element " + i);
    }
  }

  @Test
  void blockSizeDefaultsToEightMebibytesOfUpdatesAndRejectsABadOverride() {
    assertEquals(16, CpuStreamingAggregator.blockRows(1));
    assertEquals(16, CpuStreamingAggregator.blockRows(100_000)); // 16 x 400 KB = 6.4 MB
    assertEquals(5, CpuStreamingAggregator.blockRows(400_000)); // 8 MiB / 1.6 MB
    assertEquals(1, CpuStreamingAggregator.blockRows(4_000_000));
    String before = System.setProperty(CpuStreamingAggregator.BLOCK_ROWS_PROPERTY, "17");
    try {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.newAggregator(8, 1.0));
      assertEquals("-Dtrustfl.cpu.aggregatorBlockRows must be an integer in [1, 16], got '17'", e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty(CpuStreamingAggregator.BLOCK_ROWS_PROPERTY);
      } else {
        System.setProperty(CpuStreamingAggregator.BLOCK_ROWS_PROPERTY, before);
      }
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
