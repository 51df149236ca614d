package io.trustfl.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class ClipMathTest {
  @Test
  void normOfSmallVectorsByHand() {
    assertEquals(5.0, ClipMath.l2Norm(new float[] {3, 4}, 0, 2));
    assertEquals(0.0, ClipMath.l2Norm(new float[] {0, 0, 0}, 0, 3));
    assertEquals(Math.sqrt(1 + 4 + 9 + 16 + 25), ClipMath.l2Norm(new float[] {9, 1, 2, 3, 4, 5}, 1, 5), 1e-15);
    assertEquals(3.0, ClipMath.l2Norm(FloatBuffer.wrap(new float[] {1, 2, 2}), 0, 3), 1e-15);
  }

  @Test
  void hugeFloatsDoNotOverflowTheDoubleAccumulator() {
    float[] v = {Float.MAX_VALUE, Float.MAX_VALUE};
    assertEquals(Math.sqrt(2) * Float.MAX_VALUE, ClipMath.l2Norm(v, 0, 2), 1e25);
  }

  @Test
  void denormalsAreKept() {
    float[] v = {Float.MIN_VALUE, Float.MIN_VALUE, Float.MIN_VALUE, Float.MIN_VALUE};
    assertEquals(2.0 * Float.MIN_VALUE, ClipMath.l2Norm(v, 0, 4), 1e-60);
  }

  @Test
  void nonFiniteElementsGiveNaN() {
    assertTrue(Double.isNaN(ClipMath.l2Norm(new float[] {1, Float.NaN}, 0, 2)));
    assertTrue(Double.isNaN(ClipMath.l2Norm(new float[] {Float.POSITIVE_INFINITY, 1}, 0, 2)));
    assertTrue(Double.isNaN(ClipMath.l2Norm(new float[] {Float.NEGATIVE_INFINITY}, 0, 1)));
    assertTrue(Double.isNaN(ClipMath.l2Norm(new double[] {0, Double.NaN})));
  }

  @Test
  void clipFactor() {
    assertEquals(1.0, ClipMath.clipFactor(0.0, 1.0));
    assertEquals(1.0, ClipMath.clipFactor(1.0, 1.0));
    assertEquals(0.25, ClipMath.clipFactor(4.0, 1.0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClipMath.clipFactor(Double.NaN, 1.0));
    assertTrue(e.getMessage().contains("reject non-finite"));
    e = assertThrows(IllegalArgumentException.class, () -> ClipMath.requireClipNorm(-1.0));
    assertEquals("clipNorm must be finite and > 0, got -1.0", e.getMessage());
  }

  @Test
  void arrayAndDirectBufferNormsAreBitIdentical() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    for (int len : new int[] {1, 7, 8, 9, 15, 16, 17, 1000, 4099}) {
      float[] v = new float[len];
      for (int i = 0; i < len; i++) {
        v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-6, 6)));
      }
      FloatBuffer direct = java.nio.ByteBuffer.allocateDirect(4 * len).order(java.nio.ByteOrder.nativeOrder())
          .asFloatBuffer().put(v);
      assertEquals(Double.doubleToRawLongBits(ClipMath.l2Norm(v, 0, len)),
          Double.doubleToRawLongBits(ClipMath.l2Norm(direct, 0, len)), "len " + len);
    }
  }
}
