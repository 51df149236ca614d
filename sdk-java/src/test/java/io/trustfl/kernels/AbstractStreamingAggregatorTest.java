package io.trustfl.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.kernels.StreamingAggregator.UpdateOutcome;
import io.trustfl.privacy.NoiseKey;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The shared state machine, driven through a fake backend that records which primitives the base calls. */
class AbstractStreamingAggregatorTest {

  /** Adds the first element times weight·clip factor into element 0; "norm" is |u[0]|, NaN for a non-finite one. */
  private static final class FakeBackend extends AbstractStreamingAggregator {
    final List<String> calls = new ArrayList<>();
    final AtomicInteger frees = new AtomicInteger();
    double[] sum;

    FakeBackend(int dim, double clipNorm) {
      super(dim, clipNorm);
      sum = new double[dim];
    }

    @Override
    protected double addClipped(FloatBuffer update, double weight, double maxNorm) {
      calls.add("addClipped");
      float x = update.get(update.position());
      double norm = Float.isFinite(x) ? Math.abs(x) : Double.NaN;
      if (norm <= maxNorm) {
        sum[0] += weight * clipFactor(norm) * x;
      }
      return norm;
    }

    @Override
    protected void addSumOf(StreamingAggregator other) {
      calls.add("addSumOf");
      sum[0] += other.partialSum()[0];
    }

    @Override
    protected void addNoise(NoiseKey key, long nonce, double stddev) {
      calls.add("addNoise " + stddev);
      sum[0] += 1000;
    }

    @Override
    protected double[] readSum() {
      return sum.clone();
    }

    @Override
    protected void free() {
      frees.incrementAndGet();
      sum = null;
    }
  }

  @Test
  void countsWeightsAndClipFactorsAreKeptByTheBase() {
    FakeBackend a = new FakeBackend(2, 2.0);
    // |u| = 4 > C = 2: factor 0.5, adds 3 * 0.5 * 4 = 6.
    assertEquals(new UpdateOutcome(true, 4.0, 0.5), a.accumulate(FloatBuffer.wrap(new float[] {4, 0}), 3.0));
    // |u| = 1 <= C: factor 1, adds 0.5 * 1 * (-1) = -0.5.
    assertEquals(new UpdateOutcome(true, 1.0, 1.0), a.accumulate(FloatBuffer.wrap(new float[] {-1, 0}), 0.5));
    UpdateOutcome rejected = a.accumulate(FloatBuffer.wrap(new float[] {Float.NaN, 0}), 7.0);
    assertFalse(rejected.accepted());
    assertTrue(Double.isNaN(rejected.norm()));
    assertEquals(0.0, rejected.clipFactor());
    assertEquals(2, a.acceptedCount());
    assertEquals(1, a.rejectedCount());
    assertEquals(3.5, a.weightSum());
    assertArrayEquals(new double[] {5.5, 0}, a.partialSum());

    FakeBackend unclipped = new FakeBackend(2, Double.POSITIVE_INFINITY);
    assertEquals(new UpdateOutcome(true, 0x1p100, 1.0), unclipped.accumulate(FloatBuffer.wrap(new float[] {0x1p100f, 0}),
        1.0));
  }

  @Test
  void anUpdateAboveTheNormBoundIsRejectedAndNotAdded() {
    FakeBackend a = new FakeBackend(2, 2.0);
    UpdateOutcome over = a.accumulate(FloatBuffer.wrap(new float[] {4, 0}), 1.0, 3.0);
    assertEquals(new UpdateOutcome(false, 4.0, 0.0), over);
    // Exactly at the bound is accepted (norm <= maxNorm), clipped to C = 2: adds 1.5.
    assertEquals(new UpdateOutcome(true, 3.0, 2.0 / 3.0), a.accumulate(FloatBuffer.wrap(new float[] {3, 0}), 1.0, 3.0));
    assertEquals(1, a.acceptedCount());
    assertEquals(1, a.rejectedCount());
    assertEquals(1.0, a.weightSum());
    assertArrayEquals(new double[] {2.0, 0}, a.partialSum());
    assertEquals("maxNorm must be >= 0 (or +Infinity for no bound), got NaN", assertThrows(
        IllegalArgumentException.class, () -> a.accumulate(FloatBuffer.wrap(new float[2]), 1.0, Double.NaN))
        .getMessage());
    assertThrows(IllegalArgumentException.class, () -> a.accumulate(FloatBuffer.wrap(new float[2]), 1.0, -1.0));
    assertEquals(2, a.calls.size(), "invalid bounds never reach the backend");
  }

  @Test
  void argumentsAreValidatedBeforeTheBackendIsCalled() {
    FakeBackend a = new FakeBackend(3, 1.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> a.accumulate(FloatBuffer.wrap(new float[2]), 1.0));
    assertEquals("update must have at least 3 elements remaining, got 2", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> a.accumulate(FloatBuffer.wrap(new float[3]), -1.0));
    assertEquals("weight must be finite and >= 0, got -1.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> a.finish(null, 0, Double.NaN));
    assertEquals("stddev must be finite and >= 0, got NaN", e.getMessage());
    assertThrows(NullPointerException.class, () -> a.finish(null, 0, 1.0));
    assertEquals(List.of(), a.calls);
    assertEquals("dim must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> new FakeBackend(0, 1.0)).getMessage());
    assertEquals("clipNorm must be finite and > 0, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> new FakeBackend(1, -1.0)).getMessage());
  }

  @Test
  void mergeChecksCompatibilityAndAddsCounts() {
    FakeBackend a = new FakeBackend(1, 1.0);
    FakeBackend b = new FakeBackend(1, 1.0);
    b.accumulate(FloatBuffer.wrap(new float[] {0.25f}), 2.0);
    b.accumulate(FloatBuffer.wrap(new float[] {Float.POSITIVE_INFINITY}), 1.0);
    a.merge(b);
    assertEquals(List.of("addSumOf"), a.calls);
    assertArrayEquals(new double[] {0.5}, a.partialSum());
    assertEquals(1, a.acceptedCount());
    assertEquals(1, a.rejectedCount());
    assertEquals(2.0, a.weightSum());
    assertArrayEquals(new double[] {0.5}, b.partialSum(), "other is left unchanged");

    assertThrows(IllegalArgumentException.class, () -> a.merge(a));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.merge(new FakeBackend(2, 1.0)));
    assertEquals("can only merge aggregators of equal dimension and clip norm: got dim 2 clip 1.0, expected dim 1"
        + " clip 1.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> a.merge(new FakeBackend(1, 2.0)));
    assertThrows(NullPointerException.class, () -> a.merge(null));
    assertEquals(List.of("addSumOf"), a.calls);
  }

  @Test
  void finishReleasesOnceThenEverythingThrows() {
    FakeBackend a = new FakeBackend(1, 1.0);
    a.accumulate(FloatBuffer.wrap(new float[] {0.5f}), 1.0);
    assertArrayEquals(new double[] {0.5}, a.finish(null, 0, 0.0), "no noise when stddev is 0");
    assertEquals(List.of("addClipped"), a.calls);
    assertEquals(1, a.frees.get());
    assertThrows(IllegalStateException.class, () -> a.finish(null, 0, 0.0));
    assertThrows(IllegalStateException.class, a::partialSum);
    assertThrows(IllegalStateException.class, () -> a.accumulate(FloatBuffer.wrap(new float[1]), 1.0));
    assertThrows(IllegalStateException.class, () -> a.merge(new FakeBackend(1, 1.0)));
    FakeBackend b = new FakeBackend(1, 1.0);
    assertThrows(IllegalStateException.class, () -> b.merge(a), "a finished aggregator cannot be merged in");
    a.close();
    assertEquals(1, a.frees.get(), "close after finish frees nothing again");

    FakeBackend noisy = new FakeBackend(1, 1.0);
    assertArrayEquals(new double[] {1000}, noisy.finish(NoiseKey.insecureFixedKeyForTesting(new byte[32]), 1, 2.0));
    assertEquals(List.of("addNoise 2.0"), noisy.calls);
  }

  @Test
  void concurrentClosesFreeExactlyOnce() throws InterruptedException {
    FakeBackend a = new FakeBackend(1, 1.0);
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> all = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        a.close();
      });
      t.start();
      all.add(t);
    }
    start.countDown();
    for (Thread t : all) {
      t.join();
    }
    assertEquals(1, a.frees.get());
    assertThrows(IllegalStateException.class, a::partialSum);
  }
}
