package io.trustfl.kernels;

import io.trustfl.privacy.ChaChaGaussian;
import io.trustfl.privacy.ClipMath;
import io.trustfl.privacy.NoiseKey;
import java.nio.FloatBuffer;
import java.util.Objects;

/** Pure-Java streaming aggregator with a double accumulator. Not thread-safe. */
final class JavaStreamingAggregator implements StreamingAggregator {
  private final int dim;
  private final double clipNorm;
  private double[] sum;
  private long accepted;
  private long rejected;
  private double weightSum;
  private boolean finished;
  private final float[] scratch;

  JavaStreamingAggregator(int dim, double clipNorm) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    KernelChecks.aggregatorClipNorm(clipNorm);
    this.dim = dim;
    this.clipNorm = clipNorm;
    this.sum = new double[dim];
    this.scratch = new float[dim];
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
    float[] row;
    int off;
    if (update.hasArray()) {
      row = update.array();
      off = update.arrayOffset() + update.position();
    } else {
      update.get(update.position(), scratch, 0, dim);
      row = scratch;
      off = 0;
    }
    double norm = ClipMath.l2Norm(row, off, dim);
    if (Double.isNaN(norm)) {
      rejected++;
      return new UpdateOutcome(false, norm, 0.0);
    }
    double f = clipNorm == Double.POSITIVE_INFINITY ? 1.0 : ClipMath.clipFactor(norm, clipNorm);
    double scale = weight * f;
    if (scale != 0.0) {
      for (int j = 0; j < dim; j++) {
        sum[j] += scale * row[off + j];
      }
    }
    accepted++;
    weightSum += weight;
    return new UpdateOutcome(true, norm, f);
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
    double[] o = other.partialSum();
    for (int j = 0; j < dim; j++) {
      sum[j] += o[j];
    }
    accepted += other.acceptedCount();
    rejected += other.rejectedCount();
    weightSum += other.weightSum();
  }

  @Override
  public double[] partialSum() {
    ensureActive();
    return sum.clone();
  }

  @Override
  public double[] finish(NoiseKey key, long nonce, double stddev) {
    ensureActive();
    if (!(stddev >= 0) || Double.isInfinite(stddev)) {
      throw new IllegalArgumentException("stddev must be finite and >= 0, got " + stddev);
    }
    if (stddev > 0) {
      Objects.requireNonNull(key, "key (required when stddev > 0)");
      ChaChaGaussian.addScaled(key, nonce, 0, stddev, sum, 0, dim);
    }
    finished = true;
    double[] out = sum;
    sum = null;
    return out;
  }

  @Override
  public void close() {
    finished = true;
    sum = null;
  }

  private void ensureActive() {
    if (finished) {
      throw new IllegalStateException("this aggregator is finished or closed: its result was already released");
    }
  }
}
