package io.trustfl.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.trustfl.kernels.ClipResult;
import io.trustfl.kernels.JavaKernels;
import io.trustfl.kernels.Kernels;
import io.trustfl.kernels.LinearShape;
import io.trustfl.kernels.StreamingAggregator;
import io.trustfl.kernels.StreamingAggregator.UpdateOutcome;
import io.trustfl.privacy.NoiseKey;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CUDA backend against the Java backend: noise, linear-layer sums and the aggregator bit for bit; norms and
 * clip-and-accumulate sums to 1e-6 relative (norms are reduced in another order on the GPU). Skipped, with the
 * probe's reason, where no CUDA device is present.
 */
class CudaKernelsTest {
  private static Kernels cuda;
  private static final JavaKernels JAVA = new JavaKernels();
  private static final NoiseKey KEY = NoiseKey.insecureFixedKeyForTesting(new byte[] {
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
      31, 32});

  /** Skips each test, reported with the probe's reason (e.g. "no CUDA device: error 35 …"), without a device. */
  @BeforeEach
  void requireDevice() {
    Optional<String> reason = CudaRuntime.unavailableReason();
    Assumptions.assumeTrue(reason.isEmpty(), () -> reason.orElse(""));
    synchronized (CudaKernelsTest.class) {
      if (cuda == null) {
        cuda = new CudaKernelProvider().open();
      }
    }
  }

  @AfterAll
  static void close() {
    if (cuda != null) {
      cuda.close();
    }
  }

  private static float[] gaussianRows(SplittableRandom rnd, int batch, int dim) {
    float[] m = new float[batch * dim];
    for (int i = 0; i < batch; i++) {
      double scale = Math.pow(10, rnd.nextInt(-3, 3));
      for (int j = 0; j < dim; j++) {
        m[i * dim + j] = (float) (scale * (rnd.nextDouble() * 2 - 1));
      }
    }
    return m;
  }

  private static FloatBuffer direct(float[] a) {
    FloatBuffer b = ByteBuffer.allocateDirect(4 * a.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
    b.put(a).flip();
    return b;
  }

  private static void assertClose(double[] expected, double[] actual, double rel, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      if (Double.isNaN(e) || Double.isNaN(a)) {
        assertEquals(Double.isNaN(e), Double.isNaN(a), what + " NaN at " + i);
        continue;
      }
      double tol = rel * Math.max(Math.abs(e), 1e-300) + 1e-300;
      if (!(Math.abs(e - a) <= tol)) {
        fail(what + " at " + i + ": expected " + e + " got " + a);
      }
    }
  }

  private void compareClip(float[] rows, int batch, int dim, float[] weights, double clip, boolean directBuffers) {
    double[] sumJ = new double[dim];
    double[] sumC = new double[dim];
    for (int j = 0; j < dim; j++) {
      sumJ[j] = sumC[j] = 0.25 * (j % 3);
    }
    double[] normsJ = new double[batch];
    double[] normsC = new double[batch];
    FloatBuffer w = weights == null ? null : FloatBuffer.wrap(weights);
    ClipResult rj = JAVA.clipAndAccumulate(FloatBuffer.wrap(rows), batch, dim, w, clip, DoubleBuffer.wrap(sumJ),
        DoubleBuffer.wrap(normsJ));
    ClipResult rc;
    if (directBuffers) {
      DoubleBuffer s = ByteBuffer.allocateDirect(8 * dim).order(ByteOrder.nativeOrder()).asDoubleBuffer();
      s.put(sumC).flip();
      rc = cuda.clipAndAccumulate(direct(rows), batch, dim, weights == null ? null : direct(weights), clip, s,
          DoubleBuffer.wrap(normsC));
      s.get(sumC);
    } else {
      rc = cuda.clipAndAccumulate(FloatBuffer.wrap(rows), batch, dim, w, clip, DoubleBuffer.wrap(sumC),
          DoubleBuffer.wrap(normsC));
    }
    assertEquals(rj, rc, "B=" + batch + " D=" + dim);
    assertClose(normsJ, normsC, 1e-12, "norms");
    assertClose(sumJ, sumC, 1e-6, "sum");
  }

  @Test
  void clipAndAccumulateMatchesJavaOnRandomShapes() {
    SplittableRandom rnd = new SplittableRandom(1);
    int[][] shapes = {{1, 1}, {1, 7}, {3, 4}, {5, 1001}, {64, 1000}, {17, 40000}, {300, 33}};
    for (int[] s : shapes) {
      float[] rows = gaussianRows(rnd, s[0], s[1]);
      float[] w = new float[s[0]];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) rnd.nextDouble();
      }
      double clip = 0.3 * Math.sqrt(s[1]);
      compareClip(rows, s[0], s[1], null, clip, false);
      compareClip(rows, s[0], s[1], w, clip, true);
    }
  }

  @Test
  void clipAndAccumulateRejectsNonFiniteRowsLikeJava() {
    int b = 6;
    int d = 13;
    float[] rows = gaussianRows(new SplittableRandom(2), b, d);
    rows[1 * d + 3] = Float.NaN;
    rows[2 * d] = Float.POSITIVE_INFINITY;
    for (int j = 0; j < d; j++) {
      rows[3 * d + j] = 0f; // zero row: factor 1
      rows[4 * d + j] = 3e38f; // huge but finite: clipped, not overflowing the double accumulator
    }
    float[] w = {1f, 1f, 1f, 1f, 1f, Float.NaN};
    compareClip(rows, b, d, w, 1.0, false);
    assertThrows(IllegalArgumentException.class, () -> cuda.clipAndAccumulate(FloatBuffer.wrap(rows), b, d,
        FloatBuffer.wrap(new float[] {1, 1, 1, 1, -1, 1}), 1.0, DoubleBuffer.allocate(d), null));
  }

  @Test
  void linearKernelsMatchJava() {
    SplittableRandom rnd = new SplittableRandom(3);
    LinearShape[] shapes = {new LinearShape(4, 1, 33, 10, true), new LinearShape(3, 5, 17, 9, true),
        new LinearShape(2, 12, 64, 40, false), new LinearShape(1, 1, 1, 1, false)};
    for (LinearShape s : shapes) {
      float[] a = gaussianRows(rnd, 1, s.activationCount());
      float[] g = gaussianRows(rnd, 1, s.outputGradCount());
      double[] nj = new double[s.batch()];
      double[] nc = new double[s.batch()];
      JAVA.linearGhostNormsSquared(s, FloatBuffer.wrap(a), FloatBuffer.wrap(g), DoubleBuffer.wrap(nj));
      cuda.linearGhostNormsSquared(s, FloatBuffer.wrap(a), FloatBuffer.wrap(g), DoubleBuffer.wrap(nc));
      assertClose(nj, nc, 1e-9, "ghost norms " + s);
      double[] f = new double[s.batch()];
      for (int i = 0; i < f.length; i++) {
        f[i] = i == 1 ? 0.0 : rnd.nextDouble();
      }
      double[] wj = new double[s.in() * s.out()];
      double[] wc = new double[s.in() * s.out()];
      double[] bj = new double[s.out()];
      double[] bc = new double[s.out()];
      java.util.Arrays.fill(wj, 0.5);
      java.util.Arrays.fill(wc, 0.5);
      JAVA.linearClippedSum(s, FloatBuffer.wrap(a), FloatBuffer.wrap(g), DoubleBuffer.wrap(f),
          DoubleBuffer.wrap(wj), DoubleBuffer.wrap(bj));
      cuda.linearClippedSum(s, FloatBuffer.wrap(a), FloatBuffer.wrap(g), DoubleBuffer.wrap(f),
          DoubleBuffer.wrap(wc), DoubleBuffer.wrap(bc));
      assertArrayEquals(wj, wc, "weight grads bit for bit " + s);
      assertArrayEquals(bj, bc, "bias grads bit for bit " + s);
    }
  }

  @Test
  void noiseIsBitIdenticalToJava() {
    long[] firsts = {0, 3, 8, 1001, (1L << 35) - 3, -13L};
    long[] nonces = {0, 7, -1L};
    int[] lengths = {1, 7, 8, 1000, 100_003};
    for (long nonce : nonces) {
      for (long first : firsts) {
        for (int n : lengths) {
          double[] j = new double[n];
          double[] c = new double[n];
          JAVA.gaussian(KEY, nonce, first, DoubleBuffer.wrap(j));
          cuda.gaussian(KEY, nonce, first, DoubleBuffer.wrap(c));
          assertArrayEquals(j, c, "nonce " + nonce + " first " + first + " n " + n);
          double[] tj = new double[n];
          double[] tc = new double[n];
          for (int i = 0; i < n; i++) {
            tj[i] = tc[i] = 0.01 * i - 1;
          }
          JAVA.addGaussian(KEY, nonce, first, 2.5, DoubleBuffer.wrap(tj));
          cuda.addGaussian(KEY, nonce, first, 2.5, DoubleBuffer.wrap(tc));
          assertArrayEquals(tj, tc, "addGaussian");
        }
      }
    }
  }

  @Test
  void aggregatorIsBitIdenticalToJava() {
    int dim = 10_007;
    SplittableRandom rnd = new SplittableRandom(4);
    try (StreamingAggregator j = JAVA.newAggregator(dim, 3.0);
        StreamingAggregator c = cuda.newAggregator(dim, 3.0);
        StreamingAggregator c2 = cuda.newAggregator(dim, 3.0)) {
      for (int k = 0; k < 25; k++) {
        float[] u = gaussianRows(rnd, 1, dim);
        if (k == 5) {
          u[17] = Float.NaN;
        }
        double weight = k % 4 == 3 ? 0.0 : 1.0 + k;
        FloatBuffer buf = k % 2 == 0 ? FloatBuffer.wrap(u) : direct(u);
        UpdateOutcome oj = j.accumulate(FloatBuffer.wrap(u), weight);
        UpdateOutcome oc = (k < 20 ? c : c2).accumulate(buf, weight);
        assertEquals(oj, oc, "update " + k);
      }
      c.merge(c2);
      assertEquals(j.acceptedCount(), c.acceptedCount());
      assertEquals(j.rejectedCount(), c.rejectedCount());
      assertEquals(j.weightSum(), c.weightSum());
      double[] pj = j.partialSum();
      double[] pc = c.partialSum();
      assertClose(pj, pc, 1e-12, "partial sum (merge adds in another order)");
      double[] fj = j.finish(KEY, 9, 0.0);
      double[] fc = c.finish(KEY, 9, 0.0);
      assertClose(fj, fc, 1e-12, "finished sum");
      assertThrows(IllegalStateException.class, () -> c.accumulate(FloatBuffer.wrap(new float[dim]), 1.0));
    }
  }

  @Test
  void aggregatorWithNoiseIsBitIdenticalToJava() {
    int dim = 4099;
    SplittableRandom rnd = new SplittableRandom(5);
    try (StreamingAggregator j = JAVA.newAggregator(dim, Double.POSITIVE_INFINITY);
        StreamingAggregator c = cuda.newAggregator(dim, Double.POSITIVE_INFINITY)) {
      for (int k = 0; k < 9; k++) {
        float[] u = gaussianRows(rnd, 1, dim);
        assertEquals(j.accumulate(FloatBuffer.wrap(u), 0.5), c.accumulate(FloatBuffer.wrap(u), 0.5));
      }
      assertArrayEquals(j.finish(KEY, 42, 1.7), c.finish(KEY, 42, 1.7));
    }
  }

  @Test
  void byteSwappedAndViewBuffersAreHandled() {
    int b = 3;
    int d = 9;
    float[] rows = gaussianRows(new SplittableRandom(6), b, d);
    FloatBuffer swapped = ByteBuffer.allocateDirect(4 * rows.length).order(ByteOrder.BIG_ENDIAN).asFloatBuffer();
    swapped.put(rows).flip();
    double[] sj = new double[d];
    double[] sc = new double[d];
    JAVA.clipAndAccumulate(FloatBuffer.wrap(rows), b, d, null, 1.0, DoubleBuffer.wrap(sj), null);
    cuda.clipAndAccumulate(swapped, b, d, null, 1.0, DoubleBuffer.wrap(sc), null);
    assertClose(sj, sc, 1e-6, "big-endian rows");
  }

  @Test
  void deviceResourcesAreAutoCloseableAndFailCleanly() {
    DeviceBuffer buf = DeviceBuffer.ofDoubles(16);
    buf.close();
    buf.close(); // idempotent
    assertThrows(IllegalStateException.class, () -> buf.downloadDoubles(1, new CudaStream()));
    CudaException e = assertThrows(CudaException.class, () -> DeviceBuffer.allocate(Long.MAX_VALUE / 2));
    assertTrue(e.errorName().startsWith("cudaError"), e.getMessage());
    try (CudaStream s = new CudaStream(); CudaEvent ev = new CudaEvent(); DeviceBuffer d = DeviceBuffer.ofDoubles(4)) {
      d.zero(s);
      ev.record(s);
      ev.synchronize();
      assertArrayEquals(new double[4], d.downloadDoubles(4, s));
    }
  }
}
