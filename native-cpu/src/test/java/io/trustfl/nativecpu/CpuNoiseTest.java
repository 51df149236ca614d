package io.trustfl.nativecpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trustfl.kernels.JavaKernels;
import io.trustfl.nativecpu.TestBuffers.Kind;
import io.trustfl.privacy.ChaChaGaussian;
import io.trustfl.privacy.NoiseKey;
import java.nio.DoubleBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Noise of the cpu backend is bit-identical to {@link ChaChaGaussian} (docs/NOISE.md §6): compared with {@code ==}
 * on the raw bits over several keys, nonces, start indexes (not multiples of 8; block counters near 2^32 and at the
 * top of the 64-bit index range, where the index wraps) and lengths.
 */
class CpuNoiseTest {
  private static CpuKernels cpu;

  @BeforeAll
  static void open() {
    cpu = CpuKernels.open(3);
  }

  @AfterAll
  static void close() {
    cpu.close();
  }

  private static NoiseKey key(int seed) {
    byte[] k = new byte[32];
    new SplittableRandom(seed).nextBytes(k);
    return NoiseKey.insecureFixedKeyForTesting(k);
  }

  private static void assertBitIdentical(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
        throw new AssertionError(what + ": element " + i + " differs: java " + expected[i] + " (0x"
            + Long.toHexString(Double.doubleToRawLongBits(expected[i])) + "), cpu " + actual[i] + " (0x"
            + Long.toHexString(Double.doubleToRawLongBits(actual[i])) + ")");
      }
    }
  }

  @Test
  void normalsAreBitIdenticalToJava() {
    long[] starts = {0, 1, 5, 7, 8, 13, 63, 64, 65, 1000003,
        (1L << 35) - 3, // block counter 2^32 - 1 -> 2^32: the carry into the counter's high word
        (1L << 35) + 11, 8L * 0xFFFFFFFFL + 3, Long.MAX_VALUE - 20,
        -1, -5, -70, -200}; // top of the unsigned range: the index wraps to 0 inside the request
    int[] lengths = {1, 3, 8, 9, 63, 64, 65, 127, 1000, 70001};
    int[] keySeeds = {1, 2, 3};
    long[] nonces = {0, 1, -1, 0x0123456789ABCDEFL};
    int cases = 0;
    for (int ks : keySeeds) {
      NoiseKey key = key(ks);
      for (int ni = 0; ni < nonces.length; ni++) {
        long nonce = nonces[ni];
        for (int si = 0; si < starts.length; si++) {
          int len = lengths[(si + ni + ks) % lengths.length];
          long start = starts[si];
          double[] expected = new double[len];
          ChaChaGaussian.normals(key, nonce, start, expected, 0, len);
          Kind kind = Kind.values()[(si + ni) % Kind.values().length];
          DoubleBuffer out = TestBuffers.doubles(new double[len], kind);
          cpu.gaussian(key, nonce, start, out);
          assertBitIdentical(expected, TestBuffers.toArray(out, len),
              "key " + ks + " nonce " + nonce + " start " + Long.toUnsignedString(start) + " len " + len);
          cases++;
        }
      }
    }
    assertEquals(3 * 4 * starts.length, cases);
  }

  @Test
  void manyNormalsAcrossThreadsAreBitIdentical() {
    NoiseKey key = key(77);
    int n = 1 << 20;
    double[] expected = new double[n];
    ChaChaGaussian.normals(key, 99, 12345, expected, 0, n);
    DoubleBuffer out = TestBuffers.doubles(new double[n], Kind.DIRECT);
    cpu.gaussian(key, 99, 12345, out);
    assertBitIdentical(expected, TestBuffers.toArray(out, n), "2^20 normals");
  }

  @Test
  void addGaussianIsBitIdenticalToJava() {
    NoiseKey key = NoiseKey.random(); // the production path
    for (Kind kind : Kind.values()) {
      double[] target = TestBuffers.uniformDoubles(new SplittableRandom(4), 5003, 10.0);
      double[] expected = target.clone();
      ChaChaGaussian.addScaled(key, 17, 3, 0.731, expected, 0, expected.length);
      DoubleBuffer t = TestBuffers.doubles(target, kind);
      cpu.addGaussian(key, 17, 3, 0.731, t);
      assertBitIdentical(expected, TestBuffers.toArray(t, target.length), "addGaussian " + kind);
      // and through the Java backend's buffer interface
      DoubleBuffer j = DoubleBuffer.wrap(target.clone());
      try (JavaKernels java = new JavaKernels()) {
        java.addGaussian(key, 17, 3, 0.731, j);
      }
      assertBitIdentical(j.array(), TestBuffers.toArray(t, target.length), "addGaussian vs JavaKernels " + kind);
    }
  }

  @Test
  void invalidNoiseArguments() {
    DoubleBuffer t = DoubleBuffer.allocate(4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> cpu.addGaussian(NoiseKey.random(), 0, 0, -1.0, t));
    assertEquals("stddev must be finite and >= 0, got -1.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> cpu.addGaussian(NoiseKey.random(), 0, 0, Double.NaN, t));
    assertThrows(NullPointerException.class, () -> cpu.gaussian(null, 0, 0, t));
    cpu.gaussian(NoiseKey.random(), 0, 0, DoubleBuffer.allocate(0)); // empty: nothing to do
  }
}
