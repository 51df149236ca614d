package io.trustfl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.kernels.JavaKernels;
import io.trustfl.kernels.Kernels;
import io.trustfl.privacy.NoiseKey;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link NoisePrefetcher}: background (prefetched) and synchronous noise are bit for bit the reference computation —
 * {@code Kernels.addGaussian} on the flattened sum, then multiplication by 1/expectedBatch, written out here — for
 * in-order, out-of-order and repeated-after-skip nonces; noise is generated only for permitted nonces, once each.
 */
class NoisePrefetcherTest {
  private static final NoiseKey KEY = NoiseKey.insecureFixedKeyForTesting(new byte[32]);

  private static Params layout(int... sizes) {
    List<String> names = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    List<float[]> values = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      names.add("t" + i);
      shapes.add(new long[] {sizes[i]});
      values.add(new float[sizes[i]]);
    }
    return Params.of(names, shapes, values);
  }

  private static double[][] randomSum(int[] sizes, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] s = new double[sizes.length][];
    for (int t = 0; t < sizes.length; t++) {
      s[t] = new double[sizes[t]];
      for (int j = 0; j < sizes[t]; j++) {
        // Signed zeros and integers as well as ordinary values.
        int kind = r.nextInt(10);
        s[t][j] = kind == 0 ? -0.0 : kind == 1 ? 0.0 : kind == 2 ? r.nextInt(-3, 4) : r.nextGaussian() * 5;
      }
    }
    return s;
  }

  /** The reference: flatten, Kernels.addGaussian in place, multiply by 1/expectedBatch. */
  private static double[][] reference(Kernels k, double[][] sum, long nonce, double stddev, double expectedBatch) {
    int total = 0;
    for (double[] t : sum) {
      total += t.length;
    }
    double[] flat = new double[total];
    int off = 0;
    for (double[] t : sum) {
      System.arraycopy(t, 0, flat, off, t.length);
      off += t.length;
    }
    k.addGaussian(KEY, nonce, 0, stddev, DoubleBuffer.wrap(flat));
    double inv = 1.0 / expectedBatch;
    double[][] out = new double[sum.length][];
    off = 0;
    for (int t = 0; t < sum.length; t++) {
      out[t] = new double[sum[t].length];
      for (int j = 0; j < out[t].length; j++) {
        out[t][j] = flat[off + j] * inv;
      }
      off += out[t].length;
    }
    return out;
  }

  private static void assertBitEqual(double[][] expected, double[][] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int t = 0; t < expected.length; t++) {
      long[] e = new long[expected[t].length];
      long[] a = new long[actual[t].length];
      for (int j = 0; j < e.length; j++) {
        e[j] = Double.doubleToRawLongBits(expected[t][j]);
        a[j] = Double.doubleToRawLongBits(actual[t][j]);
      }
      assertArrayEquals(e, a, what + " tensor " + t);
    }
  }

  @Test
  void bothModesEqualTheReferenceBitForBit() {
    int[] sizes = {1000, 37, 4097};
    Params p = layout(sizes);
    // Heap buffers (pure-Java backend) and direct buffers (any other backend: RecordingKernels).
    for (Kernels k : List.<Kernels>of(new JavaKernels(), new RecordingKernels(false))) {
      for (NoisePrefetcher.Mode mode : NoisePrefetcher.Mode.values()) {
        try (NoisePrefetcher np = new NoisePrefetcher(k, KEY, 0.75, p, mode)) {
          assertEquals(5134, np.dimension());
          np.permitUpTo(6);
          // In order, then a skip (9: not permitted, generated synchronously), then back below the permit.
          for (long nonce : new long[] {0, 1, 2, 3, 9, 4, 5}) {
            double[][] sum = randomSum(sizes, nonce);
            double[][] want = reference(new JavaKernels(), sum, nonce, 0.75, 12.5);
            double[][] got = np.noisedMean(sum, nonce, 12.5);
            assertSame(sum, got, "the result is written over the sum");
            assertBitEqual(want, got, k.name() + " " + mode + " nonce " + nonce);
          }
        }
      }
    }
  }

  @Test
  void generatesOnlyPermittedNoncesAndEachOnce() {
    int[] sizes = {300, 5};
    RecordingKernels rec = new RecordingKernels(false);
    try (NoisePrefetcher np = new NoisePrefetcher(rec, KEY, 2.0, layout(sizes), NoisePrefetcher.Mode.BACKGROUND)) {
      np.permitUpTo(3);
      for (long nonce = 0; nonce < 3; nonce++) {
        np.noisedMean(new double[][] {new double[300], new double[5]}, nonce, 4);
      }
      np.permitUpTo(5);
      for (long nonce = 3; nonce < 5; nonce++) {
        np.noisedMean(new double[][] {new double[300], new double[5]}, nonce, 4);
      }
    }
    List<Long> nonces = new ArrayList<>();
    for (RecordingKernels.NoiseCall c : rec.calls) {
      nonces.add(c.nonce());
      assertEquals(0, c.firstIndex());
      assertEquals(305, c.length());
      assertEquals(2.0, c.stddev());
    }
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), nonces, "exactly the permitted nonces, once each, in order");
  }

  @Test
  void silentBackendAddsNothingNotEvenStaleNoise() {
    int[] sizes = {64};
    try (NoisePrefetcher loud = new NoisePrefetcher(new JavaKernels(), KEY, 1.0, layout(sizes),
        NoisePrefetcher.Mode.BACKGROUND);
        NoisePrefetcher silent = new NoisePrefetcher(new RecordingKernels(true), KEY, 1.0, layout(sizes),
            NoisePrefetcher.Mode.BACKGROUND)) {
      loud.permitUpTo(3);
      silent.permitUpTo(3);
      for (long nonce = 0; nonce < 3; nonce++) {
        loud.noisedMean(randomSum(sizes, 3), nonce, 1);
        assertBitEqual(randomSum(sizes, 3), silent.noisedMean(randomSum(sizes, 3), nonce, 1),
            "silent step " + nonce);
      }
    }
  }

  @Test
  void rejectsBadArgumentsAndUseAfterClose() {
    Params p = layout(4, 2);
    Kernels k = new JavaKernels();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new NoisePrefetcher(k, KEY, -1, p, NoisePrefetcher.Mode.SYNCHRONOUS));
    assertEquals("stddev must be finite and >= 0, got -1.0", e.getMessage());
    NoisePrefetcher np = new NoisePrefetcher(k, KEY, 1, p, NoisePrefetcher.Mode.BACKGROUND);
    e = assertThrows(IllegalArgumentException.class,
        () -> np.noisedMean(new double[][] {new double[4], new double[3]}, 0, 1));
    assertEquals("clippedSum tensor 1 must have 2 elements, got 3", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> np.noisedMean(new double[][] {new double[4], new double[2]}, 0, 0));
    assertEquals("expectedBatch must be finite and > 0, got 0.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> np.noisedMean(new double[][] {new double[4], new double[2]}, -1, 1));
    assertEquals("nonce must be >= 0, got -1", e.getMessage());
    np.permitUpTo(10);
    np.close();
    np.close();
    IllegalStateException s = assertThrows(IllegalStateException.class,
        () -> np.noisedMean(new double[][] {new double[4], new double[2]}, 0, 1));
    assertTrue(s.getMessage().contains("closed"), s.getMessage());
  }

  @Test
  void modeFromSystemProperty() {
    String old = System.getProperty(NoisePrefetcher.PREFETCH_PROPERTY);
    try {
      System.setProperty(NoisePrefetcher.PREFETCH_PROPERTY, "false");
      assertEquals(NoisePrefetcher.Mode.SYNCHRONOUS, NoisePrefetcher.Mode.fromSystemProperty());
      System.setProperty(NoisePrefetcher.PREFETCH_PROPERTY, "true");
      assertEquals(NoisePrefetcher.Mode.BACKGROUND, NoisePrefetcher.Mode.fromSystemProperty());
      System.setProperty(NoisePrefetcher.PREFETCH_PROPERTY, "yes");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          NoisePrefetcher.Mode::fromSystemProperty);
      assertEquals("trustfl.train.noisePrefetch must be true or false, got 'yes'", e.getMessage());
    } finally {
      if (old == null) {
        System.clearProperty(NoisePrefetcher.PREFETCH_PROPERTY);
      } else {
        System.setProperty(NoisePrefetcher.PREFETCH_PROPERTY, old);
      }
    }
  }
}
