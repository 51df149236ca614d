package io.trustfl.nativecpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trustfl.nativecpu.internal.NativeCpu;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The branch-free vector log, sine and cosine kernels of the native noise against {@link StrictMath} (fdlibm, which
 * docs/NOISE.md §4 says the noise functions equal), bit for bit, on arguments aimed at every branch: u = 1 and
 * u just below 1 (the |f| < 2^-20 path, with k = 0 and k = -1), both sides of the Lg-polynomial split, powers of
 * two down to 2^-53; |x| below 2^-27, around 0.3 and 0.78125 for the kernels. These paths are rare in random
 * streams, so the stream comparison of CpuNoiseTest alone would not reach them.
 */
class ElementaryFunctionsTest {
  @BeforeAll
  static void load() {
    assertEquals(true, new CpuKernelProvider().unavailableReason().isEmpty());
  }

  private static double[] eval(int which, double[] x) {
    DoubleBuffer in = NativeBuffers.doubles(x.length);
    in.put(0, x);
    DoubleBuffer out = NativeBuffers.doubles(x.length);
    NativeCpu.tfl_test_elementary(which, in, out, x.length);
    double[] r = new double[x.length];
    out.get(0, r);
    return r;
  }

  private static void assertBits(double expected, double actual, String what) {
    assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
        what + ": expected " + expected + " got " + actual);
  }

  @Test
  void logMatchesStrictMath() {
    List<Double> xs = new ArrayList<>();
    xs.add(1.0);
    for (long k = 1; k < 2000; k++) {
      xs.add(1.0 - k * 0x1p-53); // u just below 1: f tiny, k = -1 after normalization or k = 0
    }
    for (int e = 1; e <= 53; e++) {
      double p = Math.scalb(1.0, -e);
      xs.add(p);
      xs.add(Math.nextUp(p));
      xs.add(Math.nextDown(p));
      xs.add(p * 1.4142135623730951);
      xs.add(p * 1.5);
      xs.add(p * 1.375);
    }
    xs.add(0x1p-53);
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 200_000; i++) {
      xs.add(1.0 - (r.nextLong() >>> 11) * 0x1p-53); // exactly the mapping's u
    }
    double[] x = xs.stream().mapToDouble(Double::doubleValue).toArray();
    double[] got = eval(0, x);
    for (int i = 0; i < x.length; i++) {
      assertBits(StrictMath.log(x[i]), got[i], "log(" + x[i] + ")");
    }
  }

  @Test
  void sinAndCosKernelsMatchStrictMath() {
    List<Double> xs = new ArrayList<>();
    double[] specials = {0.0, -0.0, 0x1p-30, 0x1p-27, Math.nextDown(0x1p-27), 0.29, 0.3, 0.30000001, 0.31,
        0.78125, Math.nextUp(0.78125), 0.78, Math.PI / 4, Math.nextDown(Math.PI / 4), 0.5, 0.125};
    for (double s : specials) {
      xs.add(s);
      xs.add(-s);
    }
    SplittableRandom r = new SplittableRandom(4);
    for (int i = 0; i < 200_000; i++) {
      xs.add((r.nextLong() >>> 11) * 0x1p-53 * (Math.PI / 4));
    }
    double[] x = xs.stream().mapToDouble(Double::doubleValue).toArray();
    double[] s = eval(1, x);
    double[] c = eval(2, x);
    for (int i = 0; i < x.length; i++) {
      assertBits(StrictMath.sin(x[i]), s[i], "sin(" + x[i] + ")");
      assertBits(StrictMath.cos(x[i]), c[i], "cos(" + x[i] + ")");
    }
  }
}
