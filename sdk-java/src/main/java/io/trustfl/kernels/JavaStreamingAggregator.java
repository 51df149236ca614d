package io.trustfl.kernels;

import io.trustfl.privacy.ChaChaGaussian;
import io.trustfl.privacy.ClipMath;
import io.trustfl.privacy.NoiseKey;
import java.nio.FloatBuffer;

/** Pure-Java streaming aggregator with a double accumulator. Not thread-safe. */
final class JavaStreamingAggregator extends AbstractStreamingAggregator {
  private double[] sum;
  private final float[] scratch;

  JavaStreamingAggregator(int dim, double clipNorm) {
    super(dim, clipNorm);
    this.sum = new double[dim];
    this.scratch = new float[dim];
  }

  @Override
  protected double addClipped(FloatBuffer update, double weight, double maxNorm) {
    int dim = dimension();
    float[] row;
    int off;
    if (update.hasArray()) {
      row = update.array();
      off = update.arrayOffset() + update.position();
    } else {
      // Absolute bulk get (Java 13) is not on Android API 26.
      update.duplicate().get(scratch, 0, dim);
      row = scratch;
      off = 0;
    }
    double norm = ClipMath.l2Norm(row, off, dim);
    if (!(norm <= maxNorm)) {
      return norm;
    }
    double scale = weight * clipFactor(norm);
    if (scale != 0.0) {
      for (int j = 0; j < dim; j++) {
        sum[j] += scale * row[off + j];
      }
    }
    return norm;
  }

  @Override
  protected void addSumOf(StreamingAggregator other) {
    double[] o = other.partialSum();
    for (int j = 0; j < sum.length; j++) {
      sum[j] += o[j];
    }
  }

  @Override
  protected void addNoise(NoiseKey key, long nonce, double stddev) {
    ChaChaGaussian.addScaled(key, nonce, 0, stddev, sum, 0, sum.length);
  }

  @Override
  protected double[] readSum() {
    return sum.clone();
  }

  @Override
  protected double[] takeSum() {
    return sum;
  }

  @Override
  protected void free() {
    sum = null;
  }
}
