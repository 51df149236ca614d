package io.trustfl.privacy;

import java.util.Objects;

/**
 * Standard normal samples from the ChaCha20 keystream, addressed by (key, nonce, normal index), exactly as specified
 * in {@code docs/NOISE.md} so that every kernel backend produces bit-identical values.
 *
 * <p>Normal number {@code n} lives in block {@code n >>> 3} (the ChaCha20 block counter), slot {@code n & 7}. A block's
 * 16 output words form four pairs of 64-bit little-endian words; pair {@code p} gives two uniforms with 53 random
 * bits each — {@code u = 1 - (w0 >>> 11)·2⁻⁵³ ∈ [2⁻⁵³, 1]} and {@code v = (w1 >>> 11)·2⁻⁵³ ∈ [0, 1)} — and the
 * Box–Muller pair {@code r·cos(2πv)} (slot {@code 2p}) and {@code r·sin(2πv)} (slot {@code 2p+1}) with
 * {@code r = sqrt(-2 ln u)}. Logarithm, sine and cosine are fdlibm's algorithms in plain IEEE arithmetic. Tails are
 * cut at {@code sqrt(106 ln 2) ≈ 8.57}: the mass beyond is below 10⁻¹⁷.
 *
 * <p>Stateless and thread-safe.
 */
public final class ChaChaGaussian {
  /** Normals produced per ChaCha20 block. */
  public static final int NORMALS_PER_BLOCK = 8;

  private static final double TWO_POW_MINUS_53 = 0x1p-53;
  private static final double PI_OVER_4 = Math.PI / 4; // 0x3FE921FB54442D18

  private ChaChaGaussian() {}

  /**
   * Writes {@code len} standard normals, those with indexes {@code firstIndex … firstIndex + len − 1}, to
   * {@code out[off …]}.
   */
  public static void normals(NoiseKey key, long nonce, long firstIndex, double[] out, int off, int len) {
    generate(key, nonce, firstIndex, out, off, len, 1.0, false);
  }

  /**
   * Adds {@code stddev · z_i} to {@code target[off + i]} for the normals {@code z_i} with indexes
   * {@code firstIndex + i}, {@code i < len}: the sum is computed as {@code target + (stddev * z)}, two roundings.
   *
   * @param stddev standard deviation, finite and ≥ 0
   */
  public static void addScaled(NoiseKey key, long nonce, long firstIndex, double stddev, double[] target, int off,
      int len) {
    if (!(stddev >= 0) || Double.isInfinite(stddev)) {
      throw new IllegalArgumentException("stddev must be finite and >= 0, got " + stddev);
    }
    generate(key, nonce, firstIndex, target, off, len, stddev, true);
  }

  private static void generate(NoiseKey key, long nonce, long firstIndex, double[] out, int off, int len,
      double scale, boolean add) {
    Objects.requireNonNull(key, "key");
    Objects.checkFromIndexSize(off, len, out.length);
    if (len == 0) {
      return;
    }
    int[] keyWords = key.wordsNoCopy();
    int[] block = new int[ChaCha20.BLOCK_WORDS];
    double[] normals = new double[NORMALS_PER_BLOCK];
    int nonceLo = (int) nonce;
    int nonceHi = (int) (nonce >>> 32);
    long index = firstIndex;
    int written = 0;
    while (written < len) {
      long counter = index >>> 3;
      int slot = (int) (index & 7);
      ChaCha20.block(keyWords, (int) counter, (int) (counter >>> 32), nonceLo, nonceHi, block, 0);
      blockToNormals(block, normals);
      int take = Math.min(NORMALS_PER_BLOCK - slot, len - written);
      if (add) {
        for (int s = 0; s < take; s++) {
          out[off + written + s] += scale * normals[slot + s];
        }
      } else {
        System.arraycopy(normals, slot, out, off + written, take);
      }
      written += take;
      index += take;
    }
  }

  /** Maps one block's 16 words to its 8 normals (docs/NOISE.md §3). */
  static void blockToNormals(int[] w, double[] out) {
    for (int p = 0; p < 4; p++) {
      long a = (w[4 * p] & 0xffffffffL) | ((long) w[4 * p + 1] << 32);
      long b = (w[4 * p + 2] & 0xffffffffL) | ((long) w[4 * p + 3] << 32);
      double u = 1.0 - (a >>> 11) * TWO_POW_MINUS_53;
      double v = (b >>> 11) * TWO_POW_MINUS_53;
      double r = Math.sqrt(-2.0 * PortableMath.log(u));
      sinCos2Pi(v, r, out, 2 * p);
    }
  }

  /** out[i] = r·cos(2πv), out[i+1] = r·sin(2πv) for v in [0, 1), by exact octant reduction. */
  private static void sinCos2Pi(double v, double r, double[] out, int i) {
    double v8 = v * 8.0; // exact
    int octant = (int) v8;
    double f = v8 - octant; // exact, in [0, 1)
    double g = (octant & 1) == 0 ? f : 1.0 - f; // exact
    double x = g * PI_OVER_4;
    double s = PortableMath.sinKernel(x);
    double c = PortableMath.cosKernel(x);
    double cos;
    double sin;
    switch (octant) {
      case 0: cos = c; sin = s; break;
      case 1: cos = s; sin = c; break;
      case 2: cos = -s; sin = c; break;
      case 3: cos = -c; sin = s; break;
      case 4: cos = -c; sin = -s; break;
      case 5: cos = -s; sin = -c; break;
      case 6: cos = s; sin = -c; break;
      default: cos = c; sin = -s; break;
    }
    out[i] = r * cos;
    out[i + 1] = r * sin;
  }
}
