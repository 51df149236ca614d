package io.trustfl.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * PortableMath is fdlibm; StrictMath is specified to return fdlibm's results, so the two must agree bit for bit.
 */
class PortableMathTest {
  private static void assertSameBits(double expected, double actual, double input) {
    assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
        () -> "input " + input + " (" + Double.toHexString(input) + "): expected " + expected + " got " + actual);
  }

  @Test
  void logMatchesStrictMathOnTheNoiseDomainAndBeyond() {
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < 2_000_000; i++) {
      // Exactly the uniforms the noise mapping produces: 1 - k * 2^-53.
      double u = 1.0 - (rnd.nextLong() >>> 11) * 0x1p-53;
      assertSameBits(StrictMath.log(u), PortableMath.log(u), u);
    }
    for (int i = 0; i < 200_000; i++) {
      double x = Double.longBitsToDouble(rnd.nextLong() & 0x7fffffffffffffffL);
      if (Double.isFinite(x)) {
        assertSameBits(StrictMath.log(x), PortableMath.log(x), x);
      }
    }
    double[] edges = {Double.MIN_VALUE, Double.MIN_NORMAL, 0x1p-53, 1.0, Math.nextDown(1.0), Math.nextUp(1.0),
        2.0, 0.5, Double.MAX_VALUE, 1e-300, 1 + 0x1p-21, 1 - 0x1p-21};
    for (double x : edges) {
      assertSameBits(StrictMath.log(x), PortableMath.log(x), x);
    }
    assertEquals(Double.NEGATIVE_INFINITY, PortableMath.log(0.0));
    assertTrue(Double.isNaN(PortableMath.log(-1.0)));
    assertEquals(Double.POSITIVE_INFINITY, PortableMath.log(Double.POSITIVE_INFINITY));
  }

  @Test
  void sinAndCosKernelsMatchStrictMathOnTheReducedRange() {
    SplittableRandom rnd = new SplittableRandom(2);
    for (int i = 0; i < 2_000_000; i++) {
      double x = (rnd.nextLong() >>> 11) * 0x1p-53 * (Math.PI / 4);
      assertSameBits(StrictMath.sin(x), PortableMath.sinKernel(x), x);
      assertSameBits(StrictMath.cos(x), PortableMath.cosKernel(x), x);
    }
    double[] edges = {0.0, 0x1p-30, 0x1p-27, 0.29, 0.3, 0.31, 0.78125, 0.7813, Math.PI / 4};
    for (double x : edges) {
      assertSameBits(StrictMath.sin(x), PortableMath.sinKernel(x), x);
      assertSameBits(StrictMath.cos(x), PortableMath.cosKernel(x), x);
    }
  }

  @Test
  void flatLogMatchesStrictMathEverywhere() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < 2_000_000; i++) {
      double u = 1.0 - (rnd.nextLong() >>> 11) * 0x1p-53;
      assertSameBits(StrictMath.log(u), PortableMath.logFlat(u), u);
    }
    for (int i = 0; i < 500_000; i++) {
      // Near 1 (k = 0 and the |f| < 2^-20 path) and the whole positive range, subnormals included.
      double near = 1.0 + (rnd.nextDouble() - 0.5) * 0x1p-18;
      assertSameBits(StrictMath.log(near), PortableMath.logFlat(near), near);
      double x = Double.longBitsToDouble(rnd.nextLong() & 0x7fffffffffffffffL);
      assertSameBits(StrictMath.log(x), PortableMath.logFlat(x), x);
    }
    double[] edges = {0.0, -0.0, Double.MIN_VALUE, Double.MIN_NORMAL, 0x1p-53, 1.0, Math.nextDown(1.0),
        Math.nextUp(1.0), 2.0, 0.5, Math.sqrt(0.5), Math.nextDown(Math.sqrt(0.5)), Math.sqrt(2), Double.MAX_VALUE,
        Double.POSITIVE_INFINITY, 1 + 0x1p-21, 1 - 0x1p-21};
    for (double x : edges) {
      assertSameBits(StrictMath.log(x), PortableMath.logFlat(x), x);
    }
    assertTrue(Double.isNaN(PortableMath.logFlat(-1.0)));
    assertTrue(Double.isNaN(PortableMath.logFlat(Double.NaN)));
  }

  @Test
  void flatSinAndCosKernelsMatchStrictMathOnTheReducedRange() {
    SplittableRandom rnd = new SplittableRandom(4);
    for (int i = 0; i < 2_000_000; i++) {
      double x = (rnd.nextLong() >>> 11) * 0x1p-53 * (Math.PI / 4);
      assertSameBits(StrictMath.sin(x), PortableMath.sinKernelFlat(x), x);
      assertSameBits(StrictMath.cos(x), PortableMath.cosKernelFlat(x), x);
      // Where fdlibm shortcuts |x| < 2^-27 (every binade down to the subnormals) and just above it.
      double tiny = Double.longBitsToDouble(rnd.nextLong(0x3e50000000000000L));
      assertSameBits(StrictMath.sin(tiny), PortableMath.sinKernelFlat(tiny), tiny);
      assertSameBits(StrictMath.cos(tiny), PortableMath.cosKernelFlat(tiny), tiny);
    }
    double[] edges = {0.0, Double.MIN_VALUE, Double.MIN_NORMAL, 0x1p-30, 0x1p-27, Math.nextDown(0x1p-27), 0.29, 0.3,
        0.31, 0.78125, 0.7813, Math.PI / 4,
        Double.longBitsToDouble(0x3FD3333300000000L), Math.nextDown(Double.longBitsToDouble(0x3FD3333300000000L)),
        Double.longBitsToDouble(0x3fe9000000000000L), Double.longBitsToDouble(0x3fe9000100000000L)};
    for (double x : edges) {
      assertSameBits(StrictMath.sin(x), PortableMath.sinKernelFlat(x), x);
      assertSameBits(StrictMath.cos(x), PortableMath.cosKernelFlat(x), x);
    }
  }
}
