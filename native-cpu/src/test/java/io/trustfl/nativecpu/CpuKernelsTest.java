package io.trustfl.nativecpu;

import static io.trustfl.nativecpu.TestBuffers.doubles;
import static io.trustfl.nativecpu.TestBuffers.floats;
import static io.trustfl.nativecpu.TestBuffers.toArray;
import static io.trustfl.nativecpu.TestBuffers.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.kernels.ClipResult;
import io.trustfl.kernels.JavaKernels;
import io.trustfl.kernels.Kernels;
import io.trustfl.kernels.LinearShape;
import io.trustfl.nativecpu.TestBuffers.Kind;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every kernel of the cpu backend against the pure-Java backend on random and adversarial inputs. Sums are
 * compared with a tolerance relative to the sum of the absolute values of the terms (summation order differs:
 * the native norms use vector lanes); a hand-computed case pins the semantics independently.
 */
class CpuKernelsTest {
  private static CpuKernels cpu;
  private static CpuKernels cpu1;
  private static final Kernels JAVA = new JavaKernels();

  @BeforeAll
  static void open() {
    cpu = CpuKernels.open(3); // more threads than this machine's cores: exercises the barrier path
    cpu1 = CpuKernels.open(1);
  }

  @AfterAll
  static void close() {
    cpu.close();
    cpu1.close();
  }

  @Test
  void handComputedClipAndAccumulate() {
    // Rows (3, 4) with norm 5 and (0.3, 0.4) with norm 0.5, clip 1, weights 2 and 1:
    // 2 * (1/5) * (3, 4) + 1 * 1 * (0.3, 0.4) = (1.2 + 0.3, 1.6 + 0.4) = (1.5, 2.0), added to (10, 20).
    FloatBuffer rows = FloatBuffer.wrap(new float[] {3f, 4f, 0.3f, 0.4f});
    FloatBuffer w = FloatBuffer.wrap(new float[] {2f, 1f});
    DoubleBuffer sum = DoubleBuffer.wrap(new double[] {10, 20});
    DoubleBuffer norms = DoubleBuffer.allocate(2);
    ClipResult res = cpu.clipAndAccumulate(rows, 2, 2, w, 1.0, sum, norms);
    assertEquals(new ClipResult(2, 1, new int[0]), res);
    assertEquals(11.5, sum.get(0), 1e-6);
    assertEquals(22.0, sum.get(1), 1e-6);
    assertEquals(5.0, norms.get(0), 0.0);
    assertEquals(0.5, norms.get(1), 1e-7);
  }

  private static void compareClip(Kernels k, float[] rows, int b, int d, float[] weights, double clip, Kind kind) {
    double[] start = TestBuffers.uniformDoubles(new SplittableRandom(b + 7L * d), d, 1.0);
    DoubleBuffer refSum = DoubleBuffer.wrap(start.clone());
    DoubleBuffer refNorms = DoubleBuffer.allocate(b);
    ClipResult ref = JAVA.clipAndAccumulate(FloatBuffer.wrap(rows), b, d,
        weights == null ? null : FloatBuffer.wrap(weights), clip, refSum, refNorms);

    DoubleBuffer sum = doubles(start, kind);
    DoubleBuffer norms = doubles(new double[b], kind);
    ClipResult res = k.clipAndAccumulate(floats(rows, kind), b, d, weights == null ? null : floats(weights, kind),
        clip, sum, norms);
    assertEquals(ref, res);
    double[] n = toArray(norms, b);
    double[] s = toArray(sum, d);
    double[] absTerms = new double[d];
    for (int i = 0; i < b; i++) {
      double rn = refNorms.get(i);
      if (Double.isNaN(rn)) {
        assertTrue(Double.isNaN(n[i]), "row " + i + " norm must be NaN");
        continue;
      }
      assertEquals(rn, n[i], 1e-13 * rn + Double.MIN_VALUE, "norm of row " + i);
      double w = weights == null ? 1.0 : weights[i];
      if (!Double.isFinite(w)) {
        continue;
      }
      double scale = Math.abs(w * Math.min(1.0, clip / Math.max(rn, Double.MIN_VALUE)));
      for (int j = 0; j < d; j++) {
        absTerms[j] += scale * Math.abs(rows[i * d + j]);
      }
    }
    for (int j = 0; j < d; j++) {
      double tol = 1e-12 * (absTerms[j] + Math.abs(start[j])) + 1e-300;
      assertEquals(refSum.get(j), s[j], tol, "sum element " + j);
    }
  }

  @ParameterizedTest(name = "B={0} D={1} weights={2} {3}")
  @CsvSource({"1,1,false,DIRECT", "1,1,true,HEAP", "1,7,true,DIRECT", "3,8,false,HEAP_OFFSET", "5,9,true,HEAP",
      "2,15,false,DIRECT_BIG_ENDIAN", "4,17,true,DIRECT", "64,1000,true,DIRECT", "17,4097,false,HEAP",
      "300,333,true,DIRECT", "2,65537,true,DIRECT", "1,200003,false,DIRECT", "1,400003,true,DIRECT", "40,20000,true,HEAP_OFFSET"})
  void clipAndAccumulateMatchesJava(int b, int d, boolean withWeights, Kind kind) {
    SplittableRandom r = new SplittableRandom(b * 31L + d);
    float[] rows = uniform(r, b * d, 1.0);
    float[] weights = null;
    if (withWeights) {
      weights = uniform(r, b, 2.0);
      for (int i = 0; i < b; i++) {
        weights[i] = Math.abs(weights[i]);
      }
    }
    double clip = 0.5 * Math.sqrt(d / 3.0); // about half of the rows are clipped
    compareClip(cpu, rows, b, d, weights, clip, kind);
    compareClip(cpu1, rows, b, d, weights, clip, kind);
  }

  @ParameterizedTest(name = "B={0} D={1}")
  @CsvSource({"17,40000", "9,70000", "5,150001"})
  void manySmallTilesAcrossThreads(int b, int d) {
    // Force 3-row tiles so the pipeline runs through many tiles (and a partial last one) on 3 threads (the clip uses
    // one thread per MiB, so every shape here has more than 2 MiB): B=17 takes the row-split path, B=9 and B=5 the
    // column-split path with a barrier per tile.
    System.setProperty(CpuKernels.TILE_ROWS_PROPERTY, "3");
    try (CpuKernels tiny = CpuKernels.open(3)) {
      SplittableRandom r = new SplittableRandom(21);
      float[] rows = uniform(r, b * d, 1.0);
      rows[4 * d + 999] = Float.NaN;
      rows[(b - 1) * d] = Float.POSITIVE_INFINITY;
      float[] weights = uniform(r, b, 1.0);
      for (int i = 0; i < b; i++) {
        weights[i] = Math.abs(weights[i]);
      }
      weights[1] = Float.NaN;
      weights[2] = 0f;
      compareClip(tiny, rows, b, d, weights, 50.0, Kind.DIRECT);
      compareClip(tiny, rows, b, d, null, 50.0, Kind.HEAP);
    } finally {
      System.clearProperty(CpuKernels.TILE_ROWS_PROPERTY);
    }
  }

  @Test
  void adversarialRows() {
    int b = 12;
    int d = 37;
    SplittableRandom r = new SplittableRandom(5);
    float[] rows = uniform(r, b * d, 1.0);
    for (int j = 0; j < d; j++) {
      rows[0 * d + j] = 0f; // zero row: factor 1, adds nothing
      rows[1 * d + j] = 3e38f * (j % 2 == 0 ? 1 : -1); // huge norm: its square sum overflows float, not double
      rows[2 * d + j] = Float.MIN_VALUE * (j + 1); // denormals
      rows[3 * d + j] = 1e-30f;
    }
    rows[4 * d + 5] = Float.NaN;
    rows[5 * d + 36] = Float.POSITIVE_INFINITY;
    rows[6 * d] = Float.NEGATIVE_INFINITY;
    float[] weights = new float[b];
    for (int i = 0; i < b; i++) {
      weights[i] = 1f + i;
    }
    weights[7] = Float.NaN; // rejected by weight
    weights[8] = Float.POSITIVE_INFINITY;
    weights[9] = 0f; // accepted, contributes nothing
    for (Kind kind : Kind.values()) {
      compareClip(cpu, rows, b, d, weights, 1.0, kind);
      compareClip(cpu, rows, b, d, null, 1e-3, kind);
    }
    DoubleBuffer sum = DoubleBuffer.allocate(d);
    ClipResult res = cpu.clipAndAccumulate(FloatBuffer.wrap(rows), b, d, FloatBuffer.wrap(weights), 1.0, sum, null);
    assertArrayEquals(new int[] {4, 5, 6, 7, 8}, res.rejectedRows());
    for (int j = 0; j < d; j++) {
      assertTrue(Double.isFinite(sum.get(j)), "a rejected row leaked into the sum at " + j);
    }
  }

  @Test
  void allRowsRejectedLeavesSumUntouched() {
    float[] rows = {Float.NaN, 1f, 2f, Float.POSITIVE_INFINITY};
    DoubleBuffer sum = doubles(new double[] {1.5, -2.5}, Kind.DIRECT);
    ClipResult res = cpu.clipAndAccumulate(floats(rows, Kind.DIRECT), 2, 2, null, 1.0, sum, null);
    assertEquals(new ClipResult(0, 0, new int[] {0, 1}), res);
    assertArrayEquals(new double[] {1.5, -2.5}, toArray(sum, 2));
  }

  @Test
  void invalidArgumentsAreRejectedWithTheJavaMessages() {
    FloatBuffer rows = FloatBuffer.wrap(new float[] {1, 2, 3, 4});
    DoubleBuffer sum = DoubleBuffer.allocate(2);
    for (Kernels k : new Kernels[] {cpu, JAVA}) {
      IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class,
          () -> k.clipAndAccumulate(rows, 2, 2, null, -1.0, sum, null));
      assertEquals("clipNorm must be finite and > 0, got -1.0", e1.getMessage());
      IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
          () -> k.clipAndAccumulate(rows, 3, 2, null, 1.0, sum, null));
      assertTrue(e2.getMessage().startsWith("rows must have at least 6 elements"), e2.getMessage());
      IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class,
          () -> k.clipAndAccumulate(rows, 2, 2, FloatBuffer.wrap(new float[] {1f, -2f}), 1.0, sum, null));
      assertEquals("weights must be >= 0, got -2.0 at row 1", e3.getMessage());
    }
    assertArrayEquals(new double[] {0, 0}, sum.array(), "a rejected call must not add anything");
    DoubleBuffer readOnly = ByteBuffer.allocateDirect(16).asDoubleBuffer().asReadOnlyBuffer();
    assertThrows(ReadOnlyBufferException.class, () -> cpu.clipAndAccumulate(rows, 2, 2, null, 1.0, readOnly, null));
  }

  private static void compareGhost(int b, int t, int in, int out, boolean bias, Kind kind) {
    LinearShape shape = new LinearShape(b, t, in, out, bias);
    SplittableRandom r = new SplittableRandom(b * 1000L + t * 100L + in * 10L + out);
    float[] a = uniform(r, shape.activationCount(), 1.0);
    float[] g = uniform(r, shape.outputGradCount(), 1.0);
    DoubleBuffer ref = DoubleBuffer.allocate(b);
    JAVA.linearGhostNormsSquared(shape, FloatBuffer.wrap(a), FloatBuffer.wrap(g), ref);
    DoubleBuffer got = doubles(new double[b], kind);
    cpu.linearGhostNormsSquared(shape, floats(a, kind), floats(g, kind), got);
    double[] gotArr = toArray(got, b);
    for (int e = 0; e < b; e++) {
      // Bound by the sum of |terms|: sum_{s,r} |a_s.a_r| |g_s.g_r| <= (sum_s |a_s| |g_s|)^2 (+ bias).
      double bound = 0;
      for (int s = 0; s < t; s++) {
        double na = 0;
        double ng = 0;
        for (int i = 0; i < in; i++) {
          na += (double) a[(e * t + s) * in + i] * a[(e * t + s) * in + i];
        }
        for (int o = 0; o < out; o++) {
          ng += (double) g[(e * t + s) * out + o] * g[(e * t + s) * out + o];
        }
        bound += Math.sqrt(na * ng);
      }
      bound = bound * bound + (bias ? t * t * out : 0);
      assertEquals(ref.get(e), gotArr[e], 1e-12 * bound, "example " + e);
    }
  }

  @ParameterizedTest(name = "B={0} T={1} in={2} out={3} bias={4} {5}")
  @CsvSource({"1,1,1,1,false,DIRECT", "1,1,1,1,true,HEAP", "3,1,7,5,true,DIRECT", "8,1,33,17,false,HEAP_OFFSET",
      "2,5,9,4,true,DIRECT", "4,16,64,10,false,HEAP", "3,7,1,1,true,DIRECT_BIG_ENDIAN", "65,3,129,31,true,DIRECT"})
  void linearGhostNormsMatchJava(int b, int t, int in, int out, boolean bias, Kind kind) {
    compareGhost(b, t, in, out, bias, kind);
  }

  @ParameterizedTest(name = "B={0} T={1} in={2} out={3} bias={4} {5}")
  @CsvSource({"1,1,1,1,false,DIRECT", "1,1,1,1,true,HEAP", "3,1,7,5,true,DIRECT", "8,1,33,17,false,HEAP_OFFSET",
      "2,5,9,4,true,DIRECT", "4,16,64,10,false,HEAP", "3,7,1,1,true,DIRECT_BIG_ENDIAN", "65,3,129,31,true,DIRECT"})
  void linearClippedSumIsBitIdenticalToJava(int b, int t, int in, int out, boolean bias, Kind kind) {
    LinearShape shape = new LinearShape(b, t, in, out, bias);
    SplittableRandom r = new SplittableRandom(b * 999L + t * 99L + in * 9L + out);
    float[] a = uniform(r, shape.activationCount(), 1.0);
    float[] g = uniform(r, shape.outputGradCount(), 1.0);
    double[] f = TestBuffers.uniformDoubles(r, b, 1.0);
    f[0] = 0.0; // excluded example
    double[] w0 = TestBuffers.uniformDoubles(r, in * out, 1.0);
    double[] b0 = TestBuffers.uniformDoubles(r, out, 1.0);
    DoubleBuffer refW = DoubleBuffer.wrap(w0.clone());
    DoubleBuffer refB = DoubleBuffer.wrap(b0.clone());
    JAVA.linearClippedSum(shape, FloatBuffer.wrap(a), FloatBuffer.wrap(g), DoubleBuffer.wrap(f), refW, refB);
    DoubleBuffer w = doubles(w0, kind);
    DoubleBuffer bb = doubles(b0, kind);
    cpu.linearClippedSum(shape, floats(a, kind), floats(g, kind), doubles(f, kind), w, bias ? bb : null);
    // Each element receives the same operations in the same order as in Java: bit-identical.
    assertArrayEquals(refW.array(), toArray(w, in * out));
    assertArrayEquals(bias ? refB.array() : b0, toArray(bb, out));
  }

  @Test
  void linearClippedSumRejectsNonFiniteFactorsLikeJava() {
    LinearShape shape = new LinearShape(2, 1, 2, 2, false);
    FloatBuffer a = FloatBuffer.wrap(new float[] {1, 2, 3, 4});
    FloatBuffer g = FloatBuffer.wrap(new float[] {1, 1, 1, 1});
    DoubleBuffer f = DoubleBuffer.wrap(new double[] {1.0, Double.NaN});
    DoubleBuffer w = DoubleBuffer.allocate(4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> cpu.linearClippedSum(shape, a, g, f, w, null));
    assertEquals("factors must be finite, got NaN at example 1", e.getMessage());
  }

  @Test
  void streamingSumMatchesAHandSum() {
    int n = 1_000_003;
    float[] x = new float[n];
    double expected = 0;
    for (int i = 0; i < n; i++) {
      x[i] = (i % 7) * 0.25f; // exact in float and double
      expected += x[i];
    }
    assertEquals(expected, cpu.streamingSum(floats(x, Kind.DIRECT), n), 0.0);
    assertThrows(IllegalArgumentException.class, () -> cpu.streamingSum(FloatBuffer.wrap(x), n));
  }

  @Test
  void closeIsIdempotentAndUseAfterCloseThrows() {
    CpuKernels k = CpuKernels.open(2);
    assertEquals("cpu", k.name());
    assertEquals(2, k.threads());
    var agg = k.newAggregator(4, 1.0);
    k.close();
    k.close();
    FloatBuffer rows = FloatBuffer.wrap(new float[] {1, 2});
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> k.clipAndAccumulate(rows, 1, 2, null, 1.0, DoubleBuffer.allocate(2), null));
    assertEquals("the cpu kernel backend is closed", e.getMessage());
    assertThrows(IllegalStateException.class, () -> k.gaussian(io.trustfl.privacy.NoiseKey.random(), 0, 0,
        DoubleBuffer.allocate(4)));
    assertThrows(IllegalStateException.class, () -> agg.accumulate(FloatBuffer.wrap(new float[4]), 1.0));
    assertThrows(IllegalArgumentException.class, () -> CpuKernels.open(-1));
  }

  @Test
  void concurrentCallsAgree() throws Exception {
    int b = 32;
    int d = 5000;
    float[] rows = uniform(new SplittableRandom(9), b * d, 1.0);
    DoubleBuffer expected = DoubleBuffer.allocate(d);
    cpu.clipAndAccumulate(floats(rows, Kind.DIRECT), b, d, null, 2.0, expected, null);
    Thread[] threads = new Thread[4];
    double[][] results = new double[threads.length][];
    for (int t = 0; t < threads.length; t++) {
      int id = t;
      threads[t] = new Thread(() -> {
        for (int rep = 0; rep < 20; rep++) {
          DoubleBuffer s = DoubleBuffer.allocate(d);
          cpu.clipAndAccumulate(floats(rows, Kind.DIRECT), b, d, null, 2.0, s, null);
          results[id] = s.array();
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    for (double[] r : results) {
      assertArrayEquals(expected.array(), r); // deterministic: same partition, same order
    }
  }
}
