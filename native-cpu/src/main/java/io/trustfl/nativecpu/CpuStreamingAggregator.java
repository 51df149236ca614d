package io.trustfl.nativecpu;

import io.trustfl.kernels.AbstractStreamingAggregator;
import io.trustfl.kernels.StreamingAggregator;
import io.trustfl.nativecpu.internal.NativeCpu;
import io.trustfl.privacy.NoiseKey;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Streaming aggregator of the cpu backend: the double accumulator lives in direct (native) memory and each update
 * is validated, clipped and added by the native kernel in one pass. Not thread-safe (see
 * {@link StreamingAggregator}); usable while its {@link CpuKernels} is open.
 */
final class CpuStreamingAggregator extends AbstractStreamingAggregator {
  private final CpuKernels kernels;
  private final DoubleBuffer norm = NativeBuffers.doubles(1);
  private DoubleBuffer sum;

  CpuStreamingAggregator(CpuKernels kernels, int dim, double clipNorm) {
    super(dim, clipNorm);
    this.kernels = kernels;
    this.sum = NativeBuffers.doubles(dim);
  }

  @Override
  protected double addClipped(FloatBuffer update, double weight) {
    int dim = dimension();
    long c = kernels.acquire();
    int ok;
    try {
      ok = NativeCpu.tfl_accumulate_update(c, NativeBuffers.in(update, dim), dim, weight, clipNorm(), sum, norm);
    } finally {
      kernels.release();
    }
    // The kernel rejects exactly the updates whose norm is NaN (the weight is already validated as finite).
    return ok == 0 ? Double.NaN : norm.get(0);
  }

  @Override
  protected void addSumOf(StreamingAggregator other) {
    int dim = dimension();
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
  }

  @Override
  protected void addNoise(NoiseKey key, long nonce, double stddev) {
    long c = kernels.acquire();
    try {
      NativeCpu.tfl_gaussian(c, key.words(), nonce, 0, sum, dimension(), stddev, 1);
    } finally {
      kernels.release();
    }
  }

  @Override
  protected double[] readSum() {
    double[] out = new double[dimension()];
    sum.get(0, out);
    return out;
  }

  /** Drops the native accumulator. */
  @Override
  protected void free() {
    sum = null;
  }
}
