package io.trustfl.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.privacy.ChaChaGaussian;
import io.trustfl.privacy.NoiseKey;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Java backend against {@link ReferenceKernels} on random and adversarial inputs. */
class JavaKernelsTest {
  private final Kernels k = new JavaKernels();

  private static float[] randomRows(SplittableRandom r, int n, double scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return x;
  }

  private static FloatBuffer direct(float[] x) {
    FloatBuffer b = ByteBuffer.allocateDirect(4 * x.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
    b.put(x).flip();
    return b;
  }

  private static DoubleBuffer directDoubles(int n) {
    return ByteBuffer.allocateDirect(8 * n).order(ByteOrder.nativeOrder()).asDoubleBuffer();
  }

  private static void assertClose(double[] expected, DoubleBuffer actual, double rel) {
    for (int j = 0; j < expected.length; j++) {
      double a = actual.get(actual.position() + j);
      double tol = rel * Math.max(1e-30, Math.abs(expected[j])) + 1e-300;
      assertEquals(expected[j], a, tol, "element " + j);
    }
  }

  @ParameterizedTest(name = "B={0} D={1} weights={2} direct={3}")
  @CsvSource({"1,1,false,false", "1,7,true,true", "3,8,false,true", "5,9,true,false", "64,1000,true,true",
      "17,4097,false,false", "2,65536,true,true"})
  void clipAndAccumulateMatchesReference(int b, int d, boolean withWeights, boolean useDirect) {
    SplittableRandom r = new SplittableRandom(b * 31L + d);
    float[] rows = randomRows(r, b * d, 1.0);
    float[] weights = withWeights ? randomRows(r, b, 1.0) : null;
    if (weights != null) {
      for (int i = 0; i < b; i++) {
        weights[i] = Math.abs(weights[i]);
      }
    }
    double clip = 0.5 * Math.sqrt(d / 3.0); // about half the rows get clipped
    double[] refNorms = new double[b];
    double[] absSum = new double[d];
    double[] expected = ReferenceKernels.clipSum(rows, b, d, weights, clip, refNorms, absSum);

    DoubleBuffer sum = useDirect ? directDoubles(d) : DoubleBuffer.allocate(d);
    DoubleBuffer norms = useDirect ? directDoubles(b) : DoubleBuffer.allocate(b);
    FloatBuffer rowBuf = useDirect ? direct(rows) : FloatBuffer.wrap(rows);
    FloatBuffer wBuf = weights == null ? null : (useDirect ? direct(weights) : FloatBuffer.wrap(weights));
    ClipResult res = k.clipAndAccumulate(rowBuf, b, d, wBuf, clip, sum, norms);

    assertEquals(b, res.accepted());
    assertEquals(0, res.rejected());
    for (int j = 0; j < d; j++) {
      // Summation error is bounded relative to the sum of absolute terms, not to the (possibly cancelled) result.
      assertEquals(expected[j], sum.get(j), 1e-13 * absSum[j] + 1e-300, "element " + j);
    }
    assertClose(refNorms, norms, 1e-12);
    int clippedExpected = 0;
    for (double n : refNorms) {
      clippedExpected += n > clip ? 1 : 0;
    }
    assertEquals(clippedExpected, res.clipped());
  }

  @ParameterizedTest(name = "B={0} D={1}")
  @CsvSource({"11,1003", "4,256", "5,7", "1,300"})
  void arrayAndDirectRowsGiveExactlyTheRowByRowAccumulation(int b, int d) {
    // The documented order: each row's norm is ClipMath.l2Norm's, and each column receives the scaled rows in
    // increasing row order, one rounding for the product and one for the sum. Tiles of rows, column steps and
    // four-row passes must not change a bit. B=11 gives tiles 4+4+3; D=1003 column steps 256*3+235.
    SplittableRandom r = new SplittableRandom(b * 1000L + d);
    float[] rows = randomRows(r, b * d, 1.0);
    float[] weights = randomRows(r, b, 2.0);
    for (int i = 0; i < b; i++) {
      weights[i] = Math.abs(weights[i]);
    }
    if (b > 8) {
      weights[2] = 0f;
      rows[5 * d + d / 2] = Float.NaN;
      weights[8] = Float.NaN;
    }
    double clip = 0.5 * Math.sqrt(d / 3.0);
    double[] start = new double[d];
    for (int j = 0; j < d; j++) {
      start[j] = r.nextDouble() - 0.5;
    }
    double[] expected = start.clone();
    double[] expectedNorms = new double[b];
    for (int i = 0; i < b; i++) {
      double norm = io.trustfl.privacy.ClipMath.l2Norm(rows, i * d, d);
      expectedNorms[i] = norm;
      double w = weights[i];
      if (Double.isNaN(norm) || !Double.isFinite(w)) {
        continue;
      }
      double a = w * (norm <= clip ? 1.0 : clip / norm);
      if (a == 0.0) {
        continue;
      }
      for (int j = 0; j < d; j++) {
        expected[j] += a * rows[i * d + j];
      }
    }
    for (boolean useDirect : new boolean[] {false, true}) {
      DoubleBuffer sum = useDirect ? directDoubles(d) : DoubleBuffer.allocate(d);
      sum.duplicate().put(start);
      DoubleBuffer norms = DoubleBuffer.allocate(b);
      k.clipAndAccumulate(useDirect ? direct(rows) : FloatBuffer.wrap(rows), b, d,
          useDirect ? direct(weights) : FloatBuffer.wrap(weights), clip, sum, norms);
      for (int i = 0; i < b; i++) {
        assertEquals(Double.doubleToRawLongBits(expectedNorms[i]), Double.doubleToRawLongBits(norms.get(i)),
            "direct=" + useDirect + " norm of row " + i);
      }
      for (int j = 0; j < d; j++) {
        assertEquals(Double.doubleToRawLongBits(expected[j]), Double.doubleToRawLongBits(sum.get(j)),
            "direct=" + useDirect + " element " + j);
      }
    }
  }

  @Test
  void accumulatesIntoExistingSumsAndHonoursPositions() {
    float[] rows = {3, 4, 0, 0, 6, 8};
    FloatBuffer buf = FloatBuffer.wrap(new float[] {99, 99, 3, 4, 0, 0, 6, 8}).position(2);
    DoubleBuffer sum = DoubleBuffer.wrap(new double[] {-1, 10, 20}).position(1);
    k.clipAndAccumulate(buf, 3, 2, null, 5.0, sum, null);
    // Rows: (3,4) norm 5 unclipped; (0,0); (6,8) norm 10 -> (3,4).
    assertArrayEquals(new double[] {-1, 16, 28}, sum.array(), 1e-12);
    assertEquals(2, buf.position(), "position must not move");
    assertEquals(1, sum.position());
    assertEquals(6, rows.length);
  }

  @Test
  void rowsWithNaNOrInfOrBadWeightsAreRejectedNeverSummed() {
    float[] rows = {1, 1, Float.NaN, 1, 1, Float.POSITIVE_INFINITY, 2, 2, 0, 0};
    float[] weights = {1, 1, 1, Float.NaN, 1};
    DoubleBuffer sum = DoubleBuffer.allocate(2);
    DoubleBuffer norms = DoubleBuffer.allocate(5);
    ClipResult res = k.clipAndAccumulate(FloatBuffer.wrap(rows), 5, 2, FloatBuffer.wrap(weights), 100.0, sum,
        norms);
    assertArrayEquals(new int[] {1, 2, 3}, res.rejectedRows());
    assertEquals(2, res.accepted());
    assertArrayEquals(new double[] {1, 1}, sum.array());
    assertTrue(Double.isNaN(norms.get(1)) && Double.isNaN(norms.get(2)));
    assertEquals(Math.sqrt(8), norms.get(3), 1e-15, "a bad weight does not hide the row's norm");
  }

  @Test
  void hugeNormsAndDenormalsAndZeroRows() {
    float[] rows = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MIN_VALUE, Float.MIN_VALUE, 0, 0};
    DoubleBuffer sum = DoubleBuffer.allocate(2);
    DoubleBuffer norms = DoubleBuffer.allocate(3);
    ClipResult res = k.clipAndAccumulate(FloatBuffer.wrap(rows), 3, 2, null, 1.0, sum, norms);
    assertEquals(3, res.accepted());
    assertEquals(1, res.clipped());
    double expected = 1 / Math.sqrt(2) + Float.MIN_VALUE;
    assertEquals(expected, sum.get(0), 1e-15);
    assertEquals(Math.sqrt(2) * Float.MIN_VALUE, norms.get(1), 1e-60);
    assertEquals(0.0, norms.get(2));
  }

  @Test
  void aNegativeWeightLateInTheBatchLeavesTheSumUntouched() {
    // Rows before the bad weight must not have been added when the call throws: nothing is half-written.
    float[] rows = {1, 2, 3, 4, 5, 6};
    DoubleBuffer sum = DoubleBuffer.wrap(new double[] {7, 8});
    assertThrows(IllegalArgumentException.class, () -> k.clipAndAccumulate(FloatBuffer.wrap(rows), 3, 2,
        FloatBuffer.wrap(new float[] {1, 1, -0.5f}), 100.0, sum, null));
    assertArrayEquals(new double[] {7, 8}, sum.array());
  }

  @Test
  void rejectsBadArgumentsWithPreciseMessages() {
    DoubleBuffer sum = DoubleBuffer.allocate(2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> k.clipAndAccumulate(FloatBuffer.allocate(4), 2, 2, null, -1.0, sum, null));
    assertEquals("clipNorm must be finite and > 0, got -1.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> k.clipAndAccumulate(FloatBuffer.allocate(3), 2, 2, null, 1.0, sum, null));
    assertEquals("rows must have at least 4 elements remaining, got 3", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> k.clipAndAccumulate(FloatBuffer.allocate(4), 2, 2, FloatBuffer.wrap(new float[] {1, -1}), 1.0, sum,
            null));
    assertTrue(e.getMessage().startsWith("weights must be >= 0"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> k.clipAndAccumulate(FloatBuffer.allocate(4), 0, 2, null, 1.0, sum, null));
  }

  @ParameterizedTest(name = "B={0} T={1} I={2} O={3} bias={4}")
  @CsvSource({"1,1,1,1,false", "4,1,7,3,true", "3,5,4,6,true", "2,9,1,2,false", "5,3,16,10,true"})
  void ghostNormsEqualExplicitPerExampleGradientNorms(int b, int t, int in, int out, boolean bias) {
    LinearShape s = new LinearShape(b, t, in, out, bias);
    SplittableRandom r = new SplittableRandom(b + 7L * t + 13L * in + 17L * out);
    float[] a = randomRows(r, s.activationCount(), 2.0);
    float[] g = randomRows(r, s.outputGradCount(), 0.5);
    DoubleBuffer sq = DoubleBuffer.allocate(b);
    k.linearGhostNormsSquared(s, FloatBuffer.wrap(a), FloatBuffer.wrap(g), sq);
    for (int i = 0; i < b; i++) {
      double expected = ReferenceKernels.squaredNorm(ReferenceKernels.perExampleGrad(a, g, i, s));
      assertEquals(expected, sq.get(i), 1e-10 * expected, "example " + i);
    }
  }

  @ParameterizedTest(name = "B={0} T={1} I={2} O={3} bias={4}")
  @CsvSource({"1,1,1,1,false", "4,1,7,3,true", "3,5,4,6,true", "5,3,16,10,true"})
  void linearClippedSumEqualsSumOfScaledExplicitGradients(int b, int t, int in, int out, boolean bias) {
    LinearShape s = new LinearShape(b, t, in, out, bias);
    SplittableRandom r = new SplittableRandom(99 + b);
    float[] a = randomRows(r, s.activationCount(), 1.0);
    float[] g = randomRows(r, s.outputGradCount(), 1.0);
    double[] factors = new double[b];
    for (int i = 0; i < b; i++) {
      factors[i] = i == 1 ? 0.0 : r.nextDouble();
    }
    double[] expected = new double[in * out + (bias ? out : 0)];
    for (int i = 0; i < b; i++) {
      double[] gi = ReferenceKernels.perExampleGrad(a, g, i, s);
      for (int j = 0; j < gi.length; j++) {
        expected[j] += factors[i] * gi[j];
      }
    }
    DoubleBuffer w = DoubleBuffer.allocate(in * out);
    DoubleBuffer bg = DoubleBuffer.allocate(out);
    k.linearClippedSum(s, FloatBuffer.wrap(a), FloatBuffer.wrap(g), DoubleBuffer.wrap(factors), w, bg);
    for (int j = 0; j < in * out; j++) {
      assertEquals(expected[j], w.get(j), 1e-12 + 1e-12 * Math.abs(expected[j]));
    }
    if (bias) {
      for (int o = 0; o < out; o++) {
        assertEquals(expected[in * out + o], bg.get(o), 1e-12 + 1e-12 * Math.abs(expected[in * out + o]));
      }
    }
  }

  @Test
  void gaussianFillsFromTheStreamAndAddGaussianScales() {
    NoiseKey key = NoiseKey.insecureFixedKeyForTesting(new byte[32]);
    double[] expected = new double[100];
    ChaChaGaussian.normals(key, 5, 3, expected, 0, 100);
    DoubleBuffer heap = DoubleBuffer.allocate(100);
    DoubleBuffer direct = directDoubles(100);
    k.gaussian(key, 5, 3, heap);
    k.gaussian(key, 5, 3, direct);
    for (int i = 0; i < 100; i++) {
      assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(heap.get(i)));
      assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(direct.get(i)));
    }
    DoubleBuffer target = directDoubles(100);
    for (int i = 0; i < 100; i++) {
      target.put(i, 1.0);
    }
    k.addGaussian(key, 5, 3, 0.5, target);
    for (int i = 0; i < 100; i++) {
      assertEquals(1.0 + 0.5 * expected[i], target.get(i));
    }
  }

  @Test
  void streamingAggregatorClipsWeightsRejectsAndNoisesOnce() {
    NoiseKey key = NoiseKey.insecureFixedKeyForTesting(new byte[32]);
    try (StreamingAggregator agg = k.newAggregator(2, 5.0)) {
      assertTrue(agg.accumulate(FloatBuffer.wrap(new float[] {3, 4}), 2.0).accepted());
      StreamingAggregator.UpdateOutcome big = agg.accumulate(FloatBuffer.wrap(new float[] {30, 40}), 1.0);
      assertEquals(50.0, big.norm(), 1e-12);
      assertEquals(0.1, big.clipFactor(), 1e-15);
      assertTrue(!agg.accumulate(FloatBuffer.wrap(new float[] {Float.NaN, 0}), 1.0).accepted());
      assertEquals(2, agg.acceptedCount());
      assertEquals(1, agg.rejectedCount());
      assertEquals(3.0, agg.weightSum());
      assertArrayEquals(new double[] {9, 12}, agg.partialSum(), 1e-12);
      double[] z = new double[2];
      ChaChaGaussian.normals(key, 77, 0, z, 0, 2);
      double[] out = agg.finish(key, 77, 2.0);
      assertArrayEquals(new double[] {9 + 2.0 * z[0], 12 + 2.0 * z[1]}, out, 1e-12);
      assertThrows(IllegalStateException.class, () -> agg.finish(key, 77, 2.0));
      assertThrows(IllegalStateException.class, () -> agg.accumulate(FloatBuffer.wrap(new float[] {1, 1}), 1));
    }
  }

  @Test
  void aggregatorsMergeAsAMonoid() {
    SplittableRandom r = new SplittableRandom(5);
    float[][] updates = new float[10][];
    for (int i = 0; i < 10; i++) {
      updates[i] = randomRows(r, 33, 3.0);
    }
    StreamingAggregator all = k.newAggregator(33, 2.0);
    StreamingAggregator left = k.newAggregator(33, 2.0);
    StreamingAggregator right = k.newAggregator(33, 2.0);
    for (int i = 0; i < 10; i++) {
      all.accumulate(FloatBuffer.wrap(updates[i]), 1.0);
      (i < 4 ? left : right).accumulate(FloatBuffer.wrap(updates[i]), 1.0);
    }
    right.merge(left);
    assertArrayEquals(all.partialSum(), right.partialSum(), 1e-12);
    assertEquals(all.acceptedCount(), right.acceptedCount());
    StreamingAggregator other = k.newAggregator(33, 3.0);
    assertThrows(IllegalArgumentException.class, () -> right.merge(other));
  }

  @Test
  void closedBackendRefusesWork() {
    JavaKernels closed = new JavaKernels();
    closed.close();
    closed.close();
    assertThrows(IllegalStateException.class, () -> closed.gaussian(
        NoiseKey.random(), 0, 0, DoubleBuffer.allocate(1)));
  }
}
