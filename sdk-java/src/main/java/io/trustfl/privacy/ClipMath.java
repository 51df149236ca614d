package io.trustfl.privacy;

import java.nio.FloatBuffer;

/**
 * Per-example clipping math: L2 norms of float vectors accumulated in double, and the clip factor
 * {@code min(1, C/‖g‖)} of DP-SGD (Abadi et al. 2016). A vector with a NaN or infinite element has no norm:
 * {@link #l2Norm} returns NaN for it and callers must reject it rather than clip it into a sum.
 *
 * <p>Pure functions; thread-safe.
 */
public final class ClipMath {
  private ClipMath() {}

  /**
   * L2 norm of {@code v[off … off+len)}, accumulated in double; NaN when any element is NaN or infinite.
   * Huge finite elements cannot overflow the double accumulator (float max squared is about 1.2e77).
   */
  public static double l2Norm(float[] v, int off, int len) {
    double[] lanes = new double[LANES];
    addSquares(v, off, len, lanes, 0);
    return normOfLanes(lanes, 0);
  }

  /** Number of partial sums of {@link #addSquares}. */
  public static final int LANES = 8;

  /**
   * Adds the squares of {@code x[off … off+len)} to the eight partial sums {@code lanes[lo … lo+8)}: element
   * {@code i} goes to lane {@code i mod 8} while a full group of eight remains, the last {@code len mod 8} to lane
   * 0. Eight independent accumulators form eight dependency chains instead of one, which roughly halves the time of
   * this latency-bound loop on C2 (it does not vectorize floating-point reductions). Called on consecutive pieces of
   * a vector whose lengths are multiples of 8 except the last, followed by {@link #normOfLanes}, this gives exactly
   * {@link #l2Norm(float[], int, int)} — so a kernel can sum a row in column steps.
   *
   * @param x the floats
   * @param off first index in {@code x}
   * @param len number of floats
   * @param lanes the partial sums, updated in place
   * @param lo index of the first of the eight partial sums in {@code lanes}
   */
  public static void addSquares(float[] x, int off, int len, double[] lanes, int lo) {
    double s0 = lanes[lo], s1 = lanes[lo + 1], s2 = lanes[lo + 2], s3 = lanes[lo + 3];
    double s4 = lanes[lo + 4], s5 = lanes[lo + 5], s6 = lanes[lo + 6], s7 = lanes[lo + 7];
    int i = 0;
    for (; i + 7 < len; i += 8) {
      double a = x[off + i], b = x[off + i + 1], c = x[off + i + 2], d = x[off + i + 3];
      double e = x[off + i + 4], f = x[off + i + 5], g = x[off + i + 6], h = x[off + i + 7];
      s0 += a * a;
      s1 += b * b;
      s2 += c * c;
      s3 += d * d;
      s4 += e * e;
      s5 += f * f;
      s6 += g * g;
      s7 += h * h;
    }
    for (; i < len; i++) {
      double a = x[off + i];
      s0 += a * a;
    }
    lanes[lo] = s0;
    lanes[lo + 1] = s1;
    lanes[lo + 2] = s2;
    lanes[lo + 3] = s3;
    lanes[lo + 4] = s4;
    lanes[lo + 5] = s5;
    lanes[lo + 6] = s6;
    lanes[lo + 7] = s7;
  }

  /**
   * The L2 norm from eight partial sums of {@link #addSquares}, combined as
   * {@code ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7))}; NaN unless the sum of squares is finite.
   *
   * @param l the partial sums
   * @param lo index of the first of the eight
   * @return the norm, or NaN
   */
  public static double normOfLanes(double[] l, int lo) {
    double ss = ((l[lo] + l[lo + 1]) + (l[lo + 2] + l[lo + 3])) + ((l[lo + 4] + l[lo + 5]) + (l[lo + 6] + l[lo + 7]));
    return finiteOrNaN(ss);
  }

  /** L2 norm of {@code len} floats of {@code v} starting at absolute index {@code off}; see {@link #l2Norm(float[], int, int)}. */
  public static double l2Norm(FloatBuffer v, int off, int len) {
    if (v.hasArray()) {
      return l2Norm(v.array(), v.arrayOffset() + off, len);
    }
    // Same eight chains and the same final combination as the array version, so both give identical bits.
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int i = 0;
    for (; i + 7 < len; i += 8) {
      double a = v.get(off + i), b = v.get(off + i + 1), c = v.get(off + i + 2), d = v.get(off + i + 3);
      double e = v.get(off + i + 4), f = v.get(off + i + 5), g = v.get(off + i + 6), h = v.get(off + i + 7);
      s0 += a * a;
      s1 += b * b;
      s2 += c * c;
      s3 += d * d;
      s4 += e * e;
      s5 += f * f;
      s6 += g * g;
      s7 += h * h;
    }
    for (; i < len; i++) {
      double a = v.get(off + i);
      s0 += a * a;
    }
    return finiteOrNaN(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
  }

  /** L2 norm of a double vector; NaN when any element is NaN or infinite. */
  public static double l2Norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return finiteOrNaN(s);
  }

  private static double finiteOrNaN(double sumOfSquares) {
    // A NaN element makes the sum NaN; an infinite element makes it +Inf. Finite floats cannot reach +Inf.
    return Double.isFinite(sumOfSquares) ? Math.sqrt(sumOfSquares) : Double.NaN;
  }

  /**
   * The clip factor {@code min(1, clipNorm / norm)}; 1 for a zero vector.
   *
   * @param norm a finite norm ≥ 0
   * @param clipNorm the clip norm C, finite and &gt; 0
   * @throws IllegalArgumentException if {@code norm} is not finite: such a vector must be rejected, not clipped
   */
  public static double clipFactor(double norm, double clipNorm) {
    if (!(norm >= 0) || Double.isInfinite(norm)) {
      throw new IllegalArgumentException("norm must be finite and >= 0 (reject non-finite vectors), got " + norm);
    }
    return norm <= clipNorm ? 1.0 : clipNorm / norm;
  }

  /** Validates a clip norm: finite and &gt; 0. */
  public static double requireClipNorm(double clipNorm) {
    if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("clipNorm must be finite and > 0, got " + clipNorm);
    }
    return clipNorm;
  }
}
