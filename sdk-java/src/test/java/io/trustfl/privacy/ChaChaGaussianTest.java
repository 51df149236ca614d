package io.trustfl.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Behaviour of the normal mapping against an independent Python implementation of docs/NOISE.md. */
class ChaChaGaussianTest {
  private static final NoiseKey KEY = NoiseKey.insecureFixedKeyForTesting(new byte[32]);

  @Test
  void matchesIndependentReference() throws IOException {
    int rows = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
        getClass().getResourceAsStream("/noise/reference-normals.csv")), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("#") || line.startsWith("key_hex")) {
          continue;
        }
        String[] f = line.split(",");
        NoiseKey key = NoiseKey.insecureFixedKeyForTesting(HexFormat.of().parseHex(f[0]));
        long nonce = Long.parseUnsignedLong(f[1]);
        long index = Long.parseUnsignedLong(f[2]);
        double u = Double.parseDouble(f[3]);
        double v = Double.parseDouble(f[4]);
        double expected = Double.parseDouble(f[5]);

        // The uniforms are exact: recompute them from the block the spec names.
        int[] block = new int[16];
        long counter = index >>> 3;
        ChaCha20.block(key.words(), counter, nonce, block);
        int p = (int) (index & 7) / 2;
        long a = (block[4 * p] & 0xffffffffL) | ((long) block[4 * p + 1] << 32);
        long b = (block[4 * p + 2] & 0xffffffffL) | ((long) block[4 * p + 3] << 32);
        assertEquals(u, 1.0 - (a >>> 11) * 0x1p-53, line);
        assertEquals(v, (b >>> 11) * 0x1p-53, line);

        // The normal agrees with the libm-based reference to rounding error of its angle (see the script).
        double[] z = new double[1];
        ChaChaGaussian.normals(key, nonce, index, z, 0, 1);
        double tolerance = 1e-14 + 8 * Math.ulp(expected);
        assertEquals(expected, z[0], tolerance, line);
        rows++;
      }
    }
    assertEquals(252, rows);
  }

  @Test
  void resultsDoNotDependOnWhereARequestStartsOrHowItIsSplit() {
    double[] whole = new double[1000];
    ChaChaGaussian.normals(KEY, 3, 5, whole, 0, whole.length);
    double[] pieces = new double[1000];
    int[] cuts = {0, 1, 2, 9, 16, 17, 333, 334, 999, 1000};
    for (int c = 0; c + 1 < cuts.length; c++) {
      ChaChaGaussian.normals(KEY, 3, 5 + cuts[c], pieces, cuts[c], cuts[c + 1] - cuts[c]);
    }
    assertArrayEquals(whole, pieces);
  }

  @Test
  void addScaledIsTargetPlusRoundedProduct() {
    double[] z = new double[37];
    ChaChaGaussian.normals(KEY, 11, 100, z, 0, z.length);
    double[] target = new double[37];
    for (int i = 0; i < target.length; i++) {
      target[i] = i * 0.1;
    }
    double[] expected = new double[37];
    for (int i = 0; i < target.length; i++) {
      expected[i] = target[i] + 2.5 * z[i];
    }
    ChaChaGaussian.addScaled(KEY, 11, 100, 2.5, target, 0, target.length);
    assertArrayEquals(expected, target);
  }

  @Test
  void nonceAndKeySeparateStreams() {
    double[] a = new double[64];
    double[] b = new double[64];
    double[] c = new double[64];
    ChaChaGaussian.normals(KEY, 1, 0, a, 0, 64);
    ChaChaGaussian.normals(KEY, 2, 0, b, 0, 64);
    byte[] other = new byte[32];
    other[0] = 1;
    ChaChaGaussian.normals(NoiseKey.insecureFixedKeyForTesting(other), 1, 0, c, 0, 64);
    assertFalse(java.util.Arrays.equals(a, b));
    assertFalse(java.util.Arrays.equals(a, c));
  }

  @Test
  void countersWrapAtTheTopOfTheIndexSpace() {
    double[] z = new double[16];
    ChaChaGaussian.normals(KEY, 0, -8L, z, 0, 16); // last block, then block 0
    double[] first = new double[8];
    ChaChaGaussian.normals(KEY, 0, 0, first, 0, 8);
    assertArrayEquals(first, java.util.Arrays.copyOfRange(z, 8, 16));
  }

  @Test
  void extremeUniformsGiveFiniteBoundedNormals() {
    // r is bounded by sqrt(-2 log 2^-53).
    double rMax = Math.sqrt(-2.0 * Math.log(0x1p-53));
    double[] z = new double[1 << 16];
    ChaChaGaussian.normals(KEY, 9, 0, z, 0, z.length);
    for (double x : z) {
      assertTrue(Double.isFinite(x) && Math.abs(x) <= rMax, () -> "out of range: " + x);
    }
    assertTrue(rMax > 8.57 && rMax < 8.572);
  }

  @Test
  void randomKeysDifferAndNeverPrint() {
    NoiseKey k1 = NoiseKey.random();
    NoiseKey k2 = NoiseKey.random();
    assertNotEquals(k1, k2);
    assertFalse(k1.isInsecure());
    assertTrue(KEY.isInsecure());
    assertEquals("NoiseKey[secret]", k1.toString());
    assertThrows(IllegalArgumentException.class, () -> NoiseKey.insecureFixedKeyForTesting(new byte[31]));
    assertThrows(IllegalArgumentException.class,
        () -> ChaChaGaussian.addScaled(KEY, 0, 0, -1.0, new double[1], 0, 1));
    assertThrows(IllegalArgumentException.class,
        () -> ChaChaGaussian.addScaled(KEY, 0, 0, Double.NaN, new double[1], 0, 1));
  }

  /**
   * docs/NOISE.md §3 transcribed literally, one block and one normal at a time, with StrictMath (which is fdlibm,
   * so log, and sin and cos on [0, π/4], are the spec's functions) and the octant table as a switch.
   */
  private static double specNormal(int[] keyWords, long nonce, long index) {
    int[] w = new int[16];
    ChaCha20.block(keyWords, index >>> 3, nonce, w);
    int slot = (int) (index & 7);
    int p = slot / 2;
    long a = (w[4 * p] & 0xffffffffL) | ((long) w[4 * p + 1] << 32);
    long b = (w[4 * p + 2] & 0xffffffffL) | ((long) w[4 * p + 3] << 32);
    return specPair(a, b)[slot & 1];
  }

  private static double[] specPair(long a, long b) {
    double u = 1.0 - (a >>> 11) * 0x1p-53;
    double v = (b >>> 11) * 0x1p-53;
    double r = Math.sqrt(-2.0 * StrictMath.log(u));
    double v8 = v * 8.0;
    int o = (int) v8;
    double f = v8 - o;
    double g = (o % 2 == 0) ? f : 1.0 - f;
    double x = g * Double.longBitsToDouble(0x3FE921FB54442D18L);
    double s = StrictMath.sin(x);
    double c = StrictMath.cos(x);
    double[] cs;
    switch (o) {
      case 0: cs = new double[] {c, s}; break;
      case 1: cs = new double[] {s, c}; break;
      case 2: cs = new double[] {-s, c}; break;
      case 3: cs = new double[] {-c, s}; break;
      case 4: cs = new double[] {-c, -s}; break;
      case 5: cs = new double[] {-s, -c}; break;
      case 6: cs = new double[] {s, -c}; break;
      case 7: cs = new double[] {c, -s}; break;
      default: throw new AssertionError(o);
    }
    return new double[] {r * cs[0], r * cs[1]};
  }

  private static void assertSameBits(double expected, double actual, String where) {
    assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
        () -> where + ": expected " + expected + " got " + actual);
  }

  @Test
  void bulkGeneratorMatchesALiteralTranscriptionOfTheSpec() {
    SplittableRandom rnd = new SplittableRandom(17);
    // Starts inside and across chunks of blocks, near the 32-bit counter carry and the 2^64 index wrap.
    long[] starts = {0, 5, 8 * ChaChaGaussian.CHUNK_BLOCKS - 3, (1L << 35) - 37, -8L * ChaChaGaussian.CHUNK_BLOCKS - 5,
        -3, Long.MAX_VALUE - 100, rnd.nextLong()};
    int[] lengths = {1, 7, 8, 9, 8 * ChaChaGaussian.CHUNK_BLOCKS + 11, 3 * 8 * ChaChaGaussian.CHUNK_BLOCKS + 1};
    for (long start : starts) {
      for (int len : lengths) {
        byte[] keyBytes = new byte[32];
        rnd.nextBytes(keyBytes);
        NoiseKey key = NoiseKey.insecureFixedKeyForTesting(keyBytes);
        long nonce = rnd.nextLong();
        double[] z = new double[len + 2];
        ChaChaGaussian.normals(key, nonce, start, z, 1, len);
        assertEquals(0.0, z[0]);
        assertEquals(0.0, z[len + 1]);
        for (int i = 0; i < len; i++) {
          long index = start + i;
          assertSameBits(specNormal(key.words(), nonce, index), z[1 + i], "start " + start + " index " + index);
        }
      }
    }
  }

  @Test
  void pairMappingMatchesTheSpecOnAdversarialWords() {
    SplittableRandom rnd = new SplittableRandom(23);
    int[] w = new int[16];
    double[] z = new double[8];
    for (int t = 0; t < 400_000; t++) {
      for (int k = 0; k < 16; k++) {
        w[k] = rnd.nextInt();
      }
      switch (t % 6) {
        case 1: w[1] = 0; w[0] &= 0x7ff; break; // u = 1: r = 0
        case 2: w[1] = -1; w[0] |= 0xfffff800; break; // smallest u: largest r
        case 3: w[1] &= 0x3ff; break; // u close to 1 (log near 0)
        case 4: w[3] = (w[3] & 0xe0000000) | (rnd.nextInt() & 0x3ff); break; // angle at an octant's start
        case 5: w[3] |= 0x1ff00000; w[2] |= 0xfffff800; break; // angle at an octant's end (x > 0.78125)
        default: break;
      }
      w[7] = w[3] & 0xe0000000; // pair 1: v an exact multiple of 1/8 (g = 0 or 1)
      w[6] = 0;
      ChaChaGaussian.blockToNormals(w, z);
      for (int p = 0; p < 4; p++) {
        long a = (w[4 * p] & 0xffffffffL) | ((long) w[4 * p + 1] << 32);
        long b = (w[4 * p + 2] & 0xffffffffL) | ((long) w[4 * p + 3] << 32);
        double[] e = specPair(a, b);
        assertSameBits(e[0], z[2 * p], "a " + Long.toHexString(a) + " b " + Long.toHexString(b));
        assertSameBits(e[1], z[2 * p + 1], "a " + Long.toHexString(a) + " b " + Long.toHexString(b));
      }
    }
  }
}
