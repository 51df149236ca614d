package io.trustfl.kernels;

import io.trustfl.privacy.ChaChaGaussian;
import io.trustfl.privacy.ClipMath;
import io.trustfl.privacy.NoiseKey;
import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The pure-Java kernel backend: the reference every native backend is tested against, and the backend a phone
 * uses. Array-backed buffers are processed in place; direct buffers are read row by row into a scratch array.
 *
 * <p>Thread-safe (no shared mutable state besides the closed flag).
 */
public final class JavaKernels implements Kernels {
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Opens the backend; prefer {@link KernelRegistry#open()}. */
  public JavaKernels() {}

  @Override
  public String name() {
    return "java";
  }

  /**
   * Columns accumulated per block in the second pass: 2,048 doubles (16 KiB) of the sum stay in L1 while every
   * row's slice of the block is added to them.
   */
  private static final int COLUMN_BLOCK = 2048;

  /**
   * Two passes: the first computes every row's norm and scale (and validates every weight, so bad input throws
   * before anything is added); the second adds the scaled rows column block by column block, so the block of the
   * double accumulator stays in L1 instead of streaming a {@code dim}-long double array once per row. Each column
   * still receives its rows in increasing row order, so the result is the same as a row-by-row accumulation.
   */
  @Override
  public ClipResult clipAndAccumulate(FloatBuffer rows, int batch, int dim, FloatBuffer weights, double clipNorm,
      DoubleBuffer sum, DoubleBuffer norms) {
    ensureOpen();
    KernelChecks.clipArgs(rows, batch, dim, weights, clipNorm, sum, norms);
    int rowsPos = rows.position();
    double[] scale = new double[batch];
    int accepted = 0;
    int clipped = 0;
    int[] rejected = new int[batch];
    int rejectedCount = 0;
    for (int i = 0; i < batch; i++) {
      double w = weights == null ? 1.0 : weights.get(weights.position() + i);
      if (w < 0) {
        throw new IllegalArgumentException("weights must be >= 0, got " + w + " at row " + i);
      }
      double norm = ClipMath.l2Norm(rows, rowsPos + i * dim, dim);
      if (norms != null) {
        norms.put(norms.position() + i, norm);
      }
      if (Double.isNaN(norm) || !Double.isFinite(w)) {
        rejected[rejectedCount++] = i;
        continue;
      }
      accepted++;
      double f = ClipMath.clipFactor(norm, clipNorm);
      if (f < 1.0) {
        clipped++;
      }
      scale[i] = w * f;
    }
    float[] rowArray = rows.hasArray() ? rows.array() : null;
    int rowBase = rows.hasArray() ? rows.arrayOffset() + rowsPos : 0;
    float[] scratch = rowArray == null ? new float[Math.min(dim, COLUMN_BLOCK)] : null;
    double[] acc = new double[Math.min(dim, COLUMN_BLOCK)];
    int sumPos = sum.position();
    // Absolute bulk get/put (Java 13) are not on Android API 26: relative ones on duplicates, positioned through
    // Buffer (position(int) returning DoubleBuffer is Java 9+).
    DoubleBuffer sumView = sum.duplicate();
    FloatBuffer rowView = rowArray == null ? rows.duplicate() : null;
    for (int c0 = 0; c0 < dim; c0 += COLUMN_BLOCK) {
      int len = Math.min(COLUMN_BLOCK, dim - c0);
      ((Buffer) sumView).position(sumPos + c0);
      sumView.get(acc, 0, len);
      for (int i = 0; i < batch; i++) {
        double a = scale[i];
        if (a == 0.0) {
          continue;
        }
        if (rowArray != null) {
          axpy(a, rowArray, rowBase + i * dim + c0, acc, len);
        } else {
          ((Buffer) rowView).position(rowsPos + i * dim + c0);
          rowView.get(scratch, 0, len);
          axpy(a, scratch, 0, acc, len);
        }
      }
      ((Buffer) sumView).position(sumPos + c0);
      sumView.put(acc, 0, len);
    }
    return new ClipResult(accepted, clipped, Arrays.copyOf(rejected, rejectedCount));
  }

  private static void axpy(double a, float[] x, int xOff, double[] y, int n) {
    for (int j = 0; j < n; j++) {
      y[j] += a * x[xOff + j];
    }
  }

  @Override
  public void linearGhostNormsSquared(LinearShape shape, FloatBuffer activations, FloatBuffer outputGrads,
      DoubleBuffer squaredNorms) {
    ensureOpen();
    KernelChecks.linearGhostArgs(shape, activations, outputGrads, squaredNorms);
    int t = shape.seq();
    int in = shape.in();
    int out = shape.out();
    int ap = activations.position();
    int gp = outputGrads.position();
    for (int b = 0; b < shape.batch(); b++) {
      int aBase = ap + b * t * in;
      int gBase = gp + b * t * out;
      double total = 0;
      if (t == 1) {
        double aa = dot(activations, aBase, activations, aBase, in);
        double gg = dot(outputGrads, gBase, outputGrads, gBase, out);
        total = gg * aa + (shape.bias() ? gg : 0.0);
      } else {
        for (int s = 0; s < t; s++) {
          for (int r = 0; r < t; r++) {
            double aa = dot(activations, aBase + s * in, activations, aBase + r * in, in);
            double gg = dot(outputGrads, gBase + s * out, outputGrads, gBase + r * out, out);
            total += aa * gg;
          }
        }
        if (shape.bias()) {
          for (int o = 0; o < out; o++) {
            double g = 0;
            for (int s = 0; s < t; s++) {
              g += outputGrads.get(gBase + s * out + o);
            }
            total += g * g;
          }
        }
      }
      squaredNorms.put(squaredNorms.position() + b, total);
    }
  }

  private static double dot(FloatBuffer x, int xi, FloatBuffer y, int yi, int n) {
    double s = 0;
    for (int k = 0; k < n; k++) {
      s += (double) x.get(xi + k) * y.get(yi + k);
    }
    return s;
  }

  @Override
  public void linearClippedSum(LinearShape shape, FloatBuffer activations, FloatBuffer outputGrads,
      DoubleBuffer factors, DoubleBuffer weightGrad, DoubleBuffer biasGrad) {
    ensureOpen();
    // Non-finite factors are rejected example by example below, after the earlier examples were added.
    KernelChecks.linearClippedSumArgs(shape, activations, outputGrads, factors, weightGrad, biasGrad);
    int t = shape.seq();
    int in = shape.in();
    int out = shape.out();
    int ap = activations.position();
    int gp = outputGrads.position();
    int wp = weightGrad.position();
    double[] g = new double[out];
    for (int b = 0; b < shape.batch(); b++) {
      double f = factors.get(factors.position() + b);
      if (!Double.isFinite(f)) {
        throw new IllegalArgumentException("factors must be finite, got " + f + " at example " + b);
      }
      if (f == 0.0) {
        continue;
      }
      for (int s = 0; s < t; s++) {
        int aBase = ap + (b * t + s) * in;
        int gBase = gp + (b * t + s) * out;
        for (int o = 0; o < out; o++) {
          g[o] = outputGrads.get(gBase + o);
        }
        for (int i = 0; i < in; i++) {
          double c = f * activations.get(aBase + i);
          int row = wp + i * out;
          for (int o = 0; o < out; o++) {
            weightGrad.put(row + o, weightGrad.get(row + o) + c * g[o]);
          }
        }
        if (shape.bias()) {
          int bp = biasGrad.position();
          for (int o = 0; o < out; o++) {
            biasGrad.put(bp + o, biasGrad.get(bp + o) + f * g[o]);
          }
        }
      }
    }
  }

  @Override
  public void gaussian(NoiseKey key, long nonce, long firstIndex, DoubleBuffer out) {
    ensureOpen();
    Objects.requireNonNull(key, "key");
    int n = out.remaining();
    if (out.hasArray()) {
      ChaChaGaussian.normals(key, nonce, firstIndex, out.array(), out.arrayOffset() + out.position(), n);
    } else {
      double[] tmp = new double[n];
      ChaChaGaussian.normals(key, nonce, firstIndex, tmp, 0, n);
      out.duplicate().put(tmp);
    }
  }

  @Override
  public void addGaussian(NoiseKey key, long nonce, long firstIndex, double stddev, DoubleBuffer target) {
    ensureOpen();
    Objects.requireNonNull(key, "key");
    int n = target.remaining();
    if (target.hasArray()) {
      ChaChaGaussian.addScaled(key, nonce, firstIndex, stddev, target.array(),
          target.arrayOffset() + target.position(), n);
    } else {
      double[] tmp = new double[n];
      target.duplicate().get(tmp);
      ChaChaGaussian.addScaled(key, nonce, firstIndex, stddev, tmp, 0, n);
      target.duplicate().put(tmp);
    }
  }

  @Override
  public StreamingAggregator newAggregator(int dim, double clipNorm) {
    ensureOpen();
    return new JavaStreamingAggregator(dim, clipNorm);
  }

  @Override
  public void close() {
    closed.set(true);
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the java kernel backend is closed");
    }
  }
}
