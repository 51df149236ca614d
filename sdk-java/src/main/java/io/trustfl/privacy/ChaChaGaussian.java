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

  /**
   * Blocks computed per round of the generator (2,048 normals): enough lanes that C2's vector loops spend little
   * time in their scalar pre- and post-loops, while the lanes (18 KB) and the normals (16 KB) stay in L1
   * (in a quick timing the keystream of 256-block chunks was about 1.5× faster than of 64-block chunks).
   */
  static final int CHUNK_BLOCKS = 256;

  /** Block counters wrap modulo 2⁶¹ because normal indexes wrap modulo 2⁶⁴ (docs/NOISE.md §3). */
  private static final long COUNTER_MASK = (1L << 61) - 1;

  private static final long FRACTION_50 = (1L << 50) - 1;

  private static void generate(NoiseKey key, long nonce, long firstIndex, double[] out, int off, int len,
      double scale, boolean add) {
    Objects.requireNonNull(key, "key");
    Objects.checkFromIndexSize(off, len, out.length);
    if (len == 0) {
      return;
    }
    int[] keyWords = key.wordsNoCopy();
    int nonceLo = (int) nonce;
    int nonceHi = (int) (nonce >>> 32);
    int chunk = (int) Math.min(CHUNK_BLOCKS, ((firstIndex & 7) + len + 7) >>> 3);
    int[][] lanes = new int[ChaCha20.LANE_ARRAYS][chunk];
    double[] normals = new double[NORMALS_PER_BLOCK * chunk];
    long index = firstIndex;
    int written = 0;
    while (written < len) {
      long counter = index >>> 3;
      int slot = (int) (index & 7);
      int blocks = (int) Math.min(chunk, (slot + (long) (len - written) + 7) >>> 3);
      int[] lo = lanes[16];
      int[] hi = lanes[17];
      for (int j = 0; j < blocks; j++) {
        long c = (counter + j) & COUNTER_MASK;
        lo[j] = (int) c;
        hi[j] = (int) (c >>> 32);
      }
      ChaCha20.blocks(keyWords, nonceLo, nonceHi, blocks, lanes);
      lanesToNormals(lanes, blocks, normals);
      int take = (int) Math.min(NORMALS_PER_BLOCK * (long) blocks - slot, len - written);
      int o = off + written;
      if (add) {
        for (int s = 0; s < take; s++) {
          out[o + s] += scale * normals[slot + s];
        }
      } else {
        System.arraycopy(normals, slot, out, o, take);
      }
      written += take;
      index += take;
    }
  }

  /**
   * Maps blocks {@code 0 … n−1} of {@link ChaCha20#blocks}' lanes to {@code out[8j + slot]} (docs/NOISE.md §3).
   *
   * <p>Exactly the operations of the spec, arranged without data-dependent branches (the octant, its parity and the
   * cosine kernel's range are uniformly random, so branches on them would be mispredicted about half the time):
   * {@code v·8} splits exactly into the octant {@code b >>> 61} and the fraction {@code m·2⁻⁵⁰} with {@code m} the
   * next 50 bits, {@code 1 − f} is {@code (2⁵⁰ − m)·2⁻⁵⁰} (exact either way), and the octant's swap and signs are
   * bit masks — negating a factor flips the product's sign bit exactly as negating the product does.
   *
   * <p>The pair mapping sits in this loop and its callees are kept under C2's 325-byte limit for inlining hot
   * methods, so the loop compiles to one straight-line body without calls.
   */
  static void lanesToNormals(int[][] lanes, int n, double[] out) {
    for (int j = 0; j < n; j++) {
      // The four pairs of a block in one iteration: four independent dependency chains (log, sqrt, kernels) side
      // by side for the out-of-order core (in a quick timing about 1.4× faster than one pair per iteration).
      for (int p = 0; p < 4; p++) {
        long a = (lanes[4 * p][j] & 0xffffffffL) | ((long) lanes[4 * p + 1][j] << 32);
        long b = (lanes[4 * p + 2][j] & 0xffffffffL) | ((long) lanes[4 * p + 3][j] << 32);
        double u = 1.0 - (a >>> 11) * TWO_POW_MINUS_53;
        double r = Math.sqrt(-2.0 * PortableMath.logFlat(u));
        int octant = (int) (b >>> 61);
        long m = (b >>> 11) & FRACTION_50;
        long odd = octant & 1;
        double x = (((m ^ (-odd & FRACTION_50)) + odd) * 0x1p-50) * PI_OVER_4; // g = f, or 1 − f if odd
        long sb = Double.doubleToRawLongBits(PortableMath.sinKernelFlat(x));
        long cb = Double.doubleToRawLongBits(PortableMath.cosKernelFlat(x));
        long swap = -(long) (((octant + 1) >> 1) & 1); // octants 1, 2, 5, 6
        long cosSign = (long) ((octant + 2) & 4) << 61; // octants 2 … 5
        long sinSign = (long) (octant & 4) << 61; // octants 4 … 7
        int i = 8 * j + 2 * p;
        out[i] = r * Double.longBitsToDouble(((cb & ~swap) | (sb & swap)) ^ cosSign);
        out[i + 1] = r * Double.longBitsToDouble(((sb & ~swap) | (cb & swap)) ^ sinSign);
      }
    }
  }

  /** Maps one block's 16 words to its 8 normals (docs/NOISE.md §3). */
  static void blockToNormals(int[] w, double[] out) {
    int[][] lanes = new int[ChaCha20.BLOCK_WORDS][1];
    for (int k = 0; k < ChaCha20.BLOCK_WORDS; k++) {
      lanes[k][0] = w[k];
    }
    lanesToNormals(lanes, 1, out);
  }
}
