/*
 * log, and the sine and cosine kernels, are transcriptions of fdlibm 5.3 (e_log.c, k_sin.c, k_cos.c):
 *
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunSoft, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 */
package io.trustfl.privacy;

/**
 * The few elementary functions the Gaussian noise mapping needs, written with IEEE-754 additions, multiplications,
 * divisions and square roots only, in a fixed order, so that Java, C++ (compiled with {@code -ffp-contract=off}) and
 * CUDA (compiled with {@code --fmad=false}) compute bit-identical results. They are fdlibm's algorithms, which is
 * also what {@link StrictMath} specifies, so tests can check them against {@code StrictMath}.
 */
final class PortableMath {
  private static final double LN2_HI = 6.93147180369123816490e-01; // 0x3fe62e42 fee00000
  private static final double LN2_LO = 1.90821492927058770002e-10; // 0x3dea39ef 35793c76
  private static final double TWO54 = 1.80143985094819840000e+16; // 0x43500000 00000000
  private static final double LG1 = 6.666666666666735130e-01; // 3FE55555 55555593
  private static final double LG2 = 3.999999999940941908e-01; // 3FD99999 9997FA04
  private static final double LG3 = 2.857142874366239149e-01; // 3FD24924 94229359
  private static final double LG4 = 2.222219843214978396e-01; // 3FCC71C5 1D8E78AF
  private static final double LG5 = 1.818357216161805012e-01; // 3FC74664 96CB03DE
  private static final double LG6 = 1.531383769920937332e-01; // 3FC39A09 D078C69F
  private static final double LG7 = 1.479819860511658591e-01; // 3FC2F112 DF3E5244

  private static final double S1 = -1.66666666666666324348e-01; // 0xBFC55555, 0x55555549
  private static final double S2 = 8.33333333332248946124e-03; // 0x3F811111, 0x1110F8A6
  private static final double S3 = -1.98412698298579493134e-04; // 0xBF2A01A0, 0x19C161D5
  private static final double S4 = 2.75573137070700676789e-06; // 0x3EC71DE3, 0x57B1FE7D
  private static final double S5 = -2.50507602534068634195e-08; // 0xBE5AE5E6, 0x8A2B9CEB
  private static final double S6 = 1.58969099521155010221e-10; // 0x3DE5D93A, 0x5ACFD57C

  private static final double C1 = 4.16666666666666019037e-02; // 0x3FA55555, 0x5555554C
  private static final double C2 = -1.38888888888741095749e-03; // 0xBF56C16C, 0x16C15177
  private static final double C3 = 2.48015872894767294178e-05; // 0x3EFA01A0, 0x19CB1590
  private static final double C4 = -2.75573143513906633035e-07; // 0xBE927E4F, 0x809C52AD
  private static final double C5 = 2.08757232129817482790e-09; // 0x3E21EE9E, 0xBDB4B1C4
  private static final double C6 = -1.13596475577881948265e-11; // 0xBDA8FAE9, 0xBE8838D4

  private PortableMath() {}

  /** Natural logarithm, fdlibm {@code __ieee754_log}; error below 1 ulp. */
  static double log(double x) {
    long bits = Double.doubleToRawLongBits(x);
    int hx = (int) (bits >>> 32);
    int lx = (int) bits;
    int k = 0;
    if (hx < 0x00100000) { // x < 2^-1022
      if (((hx & 0x7fffffff) | lx) == 0) {
        return Double.NEGATIVE_INFINITY;
      }
      if (hx < 0) {
        return Double.NaN;
      }
      k -= 54;
      x *= TWO54; // subnormal: scale up
      bits = Double.doubleToRawLongBits(x);
      hx = (int) (bits >>> 32);
    }
    if (hx >= 0x7ff00000) {
      return x + x;
    }
    k += (hx >> 20) - 1023;
    hx &= 0x000fffff;
    int i = (hx + 0x95f64) & 0x100000;
    // Normalize x or x/2 by replacing the high word.
    x = Double.longBitsToDouble(((long) (hx | (i ^ 0x3ff00000)) << 32) | (bits & 0xffffffffL));
    k += (i >> 20);
    double f = x - 1.0;
    if ((0x000fffff & (2 + hx)) < 3) { // |f| < 2^-20
      if (f == 0.0) {
        if (k == 0) {
          return 0.0;
        }
        double dk = k;
        return dk * LN2_HI + dk * LN2_LO;
      }
      double r = f * f * (0.5 - 0.33333333333333333 * f);
      if (k == 0) {
        return f - r;
      }
      double dk = k;
      return dk * LN2_HI - ((r - dk * LN2_LO) - f);
    }
    double s = f / (2.0 + f);
    double dk = k;
    double z = s * s;
    i = hx - 0x6147a;
    double w = z * z;
    int j = 0x6b851 - hx;
    double t1 = w * (LG2 + w * (LG4 + w * LG6));
    double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    i |= j;
    double r = t2 + t1;
    if (i > 0) {
      double hfsq = 0.5 * f * f;
      if (k == 0) {
        return f - (hfsq - s * (hfsq + r));
      }
      return dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
    }
    if (k == 0) {
      return f - s * (f - r);
    }
    return dk * LN2_HI - ((s * (f - r) - dk * LN2_LO) - f);
  }

  /**
   * {@link #log} with fdlibm's {@code k == 0} shortcuts folded into the general formulas, which give the same bits:
   * with {@code dk = 0} both products with {@code dk} are +0, {@code t + 0 = t} and {@code t − 0 = t} for the
   * values that occur, and {@code 0 − (y − f)} equals {@code f − y} because IEEE subtraction rounds symmetrically
   * (for {@code y = f} both are +0). The branch on {@code k == 0} is taken for about 29% of uniforms in
   * {@code [2⁻⁵³, 1]} at random, so removing it saves mispredictions. Inputs outside the noise domain (zero,
   * negative, subnormal, infinite, NaN) go to {@link #log}. Same result as {@link #log} for every {@code x}.
   */
  static double logFlat(double x) {
    long bits = Double.doubleToRawLongBits(x);
    int hx = (int) (bits >>> 32);
    if (hx < 0x00100000 || hx >= 0x7ff00000) {
      return log(x);
    }
    return logFlatNormal(bits, hx);
  }

  /**
   * The body of {@link #logFlat} for normal positive {@code x}. fdlibm's three final formulas all have the form
   * {@code dk·LN2_HI − (t − f)}; the three {@code t} are computed and one is selected with bit masks, so the rare
   * {@code |f| < 2⁻²⁰} path (about twice per million uniforms) is no branch: C2 compiles a never-seen branch as a
   * trap, and taking it later deoptimizes and recompiles the whole noise loop. For {@code f = 0} that path gives
   * {@code dk·LN2_HI + dk·LN2_LO} (+0 for {@code k = 0}), as fdlibm does.
   */
  private static double logFlatNormal(long bits, int hx) {
    int k = (hx >> 20) - 1023;
    hx &= 0x000fffff;
    int i = (hx + 0x95f64) & 0x100000;
    double f = Double.longBitsToDouble(((long) (hx | (i ^ 0x3ff00000)) << 32) | (bits & 0xffffffffL)) - 1.0;
    double dk = k + (i >> 20);
    double s = f / (2.0 + f);
    double z = s * s;
    double w = z * z;
    double r = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7))) + w * (LG2 + w * (LG4 + w * LG6));
    double hfsq = 0.5 * f * f;
    double dkLo = dk * LN2_LO;
    long tHfsq = Double.doubleToRawLongBits(hfsq - (s * (hfsq + r) + dkLo));
    long tPlain = Double.doubleToRawLongBits(s * (f - r) - dkLo);
    long tSmall = Double.doubleToRawLongBits(f * f * (0.5 - 0.33333333333333333 * f) - dkLo);
    long useHfsq = (long) (-((hx - 0x6147a) | (0x6b851 - hx)) >> 31); // fdlibm's i > 0 (about 4%)
    long useSmall = (long) (((0x000fffff & (2 + hx)) - 3) >> 31); // |f| < 2^-20
    long t = (tSmall & useSmall) | (((tHfsq & useHfsq) | (tPlain & ~useHfsq)) & ~useSmall);
    return dk * LN2_HI - (Double.longBitsToDouble(t) - f);
  }

  /** sin(x) for |x| ≤ π/4, fdlibm {@code __kernel_sin(x, 0, 0)}. */
  static double sinKernel(double x) {
    int ix = (int) (Double.doubleToRawLongBits(x) >>> 32) & 0x7fffffff;
    if (ix < 0x3e400000) { // |x| < 2^-27
      return x;
    }
    double z = x * x;
    double v = z * x;
    double r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
    return x + v * (S1 + z * r);
  }

  /** cos(x) for |x| ≤ π/4, fdlibm {@code __kernel_cos(x, 0)}. */
  static double cosKernel(double x) {
    int ix = (int) (Double.doubleToRawLongBits(x) >>> 32) & 0x7fffffff;
    if (ix < 0x3e400000) { // |x| < 2^-27
      return 1.0;
    }
    double z = x * x;
    double r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
    if (ix < 0x3FD33333) { // |x| < 0.3
      return 1.0 - (0.5 * z - z * r);
    }
    double qx;
    if (ix > 0x3fe90000) { // |x| > 0.78125
      qx = 0.28125;
    } else {
      qx = Double.longBitsToDouble((long) (ix - 0x00200000) << 32); // x/4, low word 0
    }
    double hz = 0.5 * z - qx;
    double a = 1.0 - qx;
    return a - (hz - z * r);
  }

  /**
   * {@link #sinKernel} for {@code 0 ≤ x ≤ π/4} without its {@code |x| < 2⁻²⁷} branch, which gives the same bits:
   * there {@code |v·(S1 + z·r)| < x³/6·(1 + 2⁻⁴⁰) < x·2⁻⁵⁴}, less than half an ulp of {@code x}, so
   * {@code x + v·(S1 + z·r)} rounds to {@code x} (and {@code 0 + 0 = 0}). A branch taken about once per 10⁸
   * angles would only make C2 deoptimize and recompile the loop around it when it is first taken.
   */
  static double sinKernelFlat(double x) {
    double z = x * x;
    double v = z * x;
    double r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
    return x + v * (S1 + z * r);
  }

  /**
   * {@link #cosKernel} for {@code 0 ≤ x ≤ π/4} without branches, with the same bits. The {@code |x| < 0.3} path
   * computes {@code 1 − (0.5·z − z·r)}, which is the general formula with {@code qx = 0} ({@code 0.5·z − 0} and
   * {@code 1 − 0} are exact), so {@code qx} is selected with bit masks (the range test is random for the noise
   * angles: a branch would be mispredicted). The {@code |x| < 2⁻²⁷} shortcut returns 1, and so does the formula:
   * {@code 0.5·z − z·r < 2⁻⁵⁵} is less than half an ulp below 1.
   */
  static double cosKernelFlat(double x) {
    int ix = (int) (Double.doubleToRawLongBits(x) >>> 32) & 0x7fffffff;
    double z = x * x;
    double r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
    long big = (long) ((0x3fe90000 - ix) >> 31); // |x| > 0.78125: qx = 0.28125
    long qb = (0x3FD2000000000000L & big) | (((long) (ix - 0x00200000) << 32) & ~big);
    qb &= ~(long) ((ix - 0x3FD33333) >> 31); // |x| < 0.3: qx = 0
    double qx = Double.longBitsToDouble(qb);
    double hz = 0.5 * z - qx;
    double a = 1.0 - qx;
    return a - (hz - z * r);
  }
}
