package io.trustfl.nativecpu;

import io.trustfl.kernels.KernelChecks;
import io.trustfl.kernels.StreamingAggregator;
import io.trustfl.nativecpu.internal.NativeCpu;
import io.trustfl.privacy.NoiseKey;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Streaming aggregator of the cpu backend: the double accumulator lives in direct (native) memory and each update
 * is validated, clipped and added by the native kernel in one pass. Not thread-safe (see
 * {@link StreamingAggregator}); usable while its {@link CpuKernels} is open.
 */
final class CpuStreamingAggregator implements StreamingAggregator {
  private final CpuKernels kernels;
  private final int dim;
  private final double clipNorm;
  private final DoubleBuffer norm = NativeBuffers.doubles(1);
  private DoubleBuffer sum;
  private long accepted;
  private long rejected;
  private double weightSum;

  CpuStreamingAggregator(CpuKernels kernels, int dim, double clipNorm) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    KernelChecks.aggregatorClipNorm(clipNorm);
    this.kernels = kernels;
    this.dim = dim;
    this.clipNorm = clipNorm;
    this.sum = NativeBuffers.doubles(dim);
  }

  @Override
  public int dimension() {
    return dim;
  }

  @Override
  public double clipNorm() {
    return clipNorm;
  }

  @Override
  public UpdateOutcome accumulate(FloatBuffer update, double weight) {
    ensureActive();
    KernelChecks.remaining("update", update, dim);
    KernelChecks.weight(weight);
    long c = kernels.acquire();
    int ok;
    try {
      ok = NativeCpu.tfl_accumulate_update(c, NativeBuffers.in(update, dim), dim, weight, clipNorm, sum, norm);
    } finally {
      kernels.release();
    }
    double n = norm.get(0);
    if (ok == 0) {
      rejected++;
      return new UpdateOutcome(false, n, 0.0);
    }
    accepted++;
    weightSum += weight;
    double f = n <= clipNorm ? 1.0 : clipNorm / n;
    return new UpdateOutcome(true, n, f);
  }

  @Override
  public long acceptedCount() {
    return accepted;
  }

  @Override
  public long rejectedCount() {
    return rejected;
  }

  @Override
  public double weightSum() {
    return weightSum;
  }

  @Override
  public void merge(StreamingAggregator other) {
    ensureActive();
    Objects.requireNonNull(other, "other");
    if (other == this) {
      throw new IllegalArgumentException("cannot merge an aggregator into itself");
    }
    if (other.dimension() != dim || Double.compare(other.clipNorm(), clipNorm) != 0) {
      throw new IllegalArgumentException("can only merge aggregators of equal dimension and clip norm: got dim "
          + other.dimension() + " clip " + other.clipNorm() + ", expected dim " + dim + " clip " + clipNorm);
    }
    DoubleBuffer o;
    if (other instanceof CpuStreamingAggregator native0) {
      native0.ensureActive();
      o = native0.sum;
    } else {
      o = DoubleBuffer.wrap(other.partialSum());
    }
    long c = kernels.acquire();
    try {
      NativeCpu.tfl_add(c, sum, NativeBuffers.in(o, dim), dim);
    } finally {
      kernels.release();
    }
    accepted += other.acceptedCount();
    rejected += other.rejectedCount();
    weightSum += other.weightSum();
  }

  @Override
  public double[] partialSum() {
    ensureActive();
    double[] out = new double[dim];
    sum.get(0, out);
    return out;
  }

  @Override
  public double[] finish(NoiseKey key, long nonce, double stddev) {
    ensureActive();
    CpuKernels.requireStddev(stddev);
    if (stddev > 0) {
      Objects.requireNonNull(key, "key (required when stddev > 0)");
      long c = kernels.acquire();
      try {
        NativeCpu.tfl_gaussian(c, key.words(), nonce, 0, sum, dim, stddev, 1);
      } finally {
        kernels.release();
      }
    }
    double[] out = new double[dim];
    sum.get(0, out);
    sum = null;
    return out;
  }

  /** Drops the native accumulator; idempotent. */
  @Override
  public void close() {
    sum = null;
  }

  private void ensureActive() {
    if (sum == null) {
      throw new IllegalStateException("this aggregator is finished or closed: its result was already released");
    }
  }
}
