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
}
