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
}
