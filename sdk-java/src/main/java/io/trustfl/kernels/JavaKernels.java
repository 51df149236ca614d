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
   * Columns accumulated per block by the two-pass path for direct row buffers: 2,048 doubles (16 KiB) of the sum
   * stay in L1 while every row's slice of the block is added to them.
   */
  private static final int COLUMN_BLOCK = 2048;

  /**
   * Columns per step of the pipeline for array-backed rows: small, so that the next tile's memory reads and this
   * tile's cached arithmetic sit close together in the instruction stream and the core overlaps them (the native
   * kernel's choice).
   */
  private static final int PIPELINE_STEP = 256;

  /**
   * Rows per tile of the pipeline: one pass of the sum per four rows, and four rows of a 1,000,000-dimension update
   * (16 MB) still stay in the last-level cache until they are scaled (in a quick timing of 64 × 1,000,000, 4 beat
   * 2 and 8).
   */
  private static final int TILE_ROWS = 4;

  /**
   * Array-backed rows go through a one-read pipeline; direct rows through two passes (norms, then the scaled sum
   * column block by column block). Either way every weight is validated before anything is added, each row's
   * norm is the same eight-chain sum as {@link ClipMath#l2Norm(float[], int, int)}, and each column of the sum
   * receives its rows in increasing row order, so the result is the same as a row-by-row accumulation.
   */
  @Override
  public ClipResult clipAndAccumulate(FloatBuffer rows, int batch, int dim, FloatBuffer weights, double clipNorm,
      DoubleBuffer sum, DoubleBuffer norms) {
    ensureOpen();
    KernelChecks.clipArgs(rows, batch, dim, weights, clipNorm, sum, norms);
    double[] w = new double[batch];
    for (int i = 0; i < batch; i++) {
      w[i] = weights == null ? 1.0 : weights.get(weights.position() + i);
      if (w[i] < 0) {
        throw new IllegalArgumentException("weights must be >= 0, got " + w[i] + " at row " + i);
      }
    }
    if (rows.hasArray()) {
      return pipeline(rows.array(), rows.arrayOffset() + rows.position(), batch, dim, w, clipNorm, sum, norms);
    }
    return twoPass(rows, batch, dim, w, clipNorm, sum, norms);
  }

  /**
   * Rows are processed in tiles of {@link #TILE_ROWS}. While tile {@code k}'s rows (read into the cache by the
   * previous step) are scaled into the sum, the rows of tile {@code k+1} are read from memory for their norms, in
   * steps of {@link #PIPELINE_STEP} columns, so the memory reads overlap the cached arithmetic and each row is read
   * from memory once. The scaled rows are added four at a time, so the sum is loaded and stored once per four rows.
   */
  private static ClipResult pipeline(float[] x, int base, int batch, int dim, double[] w, double clipNorm,
      DoubleBuffer sum, DoubleBuffer norms) {
    int tile = Math.min(TILE_ROWS, batch);
    double[] lanes = new double[8 * tile];
    int[] liveOff = new int[tile];
    double[] liveScale = new double[tile];
    double[] sumArray = sum.hasArray() ? sum.array() : null;
    int sumBase = sum.hasArray() ? sum.arrayOffset() + sum.position() : 0;
    double[] acc = sumArray == null ? new double[Math.min(dim, PIPELINE_STEP)] : null;
    DoubleBuffer sumView = sum.duplicate();
    int sumPos = sum.position();
    ClipTally tally = new ClipTally(batch, clipNorm, norms);
    for (int r = 0; r < tile; r++) {
      ClipMath.addSquares(x, base + r * dim, dim, lanes, 8 * r);
    }
    for (int t0 = 0; t0 < batch; t0 += tile) {
      int rn = Math.min(tile, batch - t0);
      int live = 0;
      for (int r = 0; r < rn; r++) {
        int i = t0 + r;
        double a = tally.row(i, ClipMath.normOfLanes(lanes, 8 * r), w[i]);
        if (a != 0.0) { // rejected rows and zero weights add nothing
          liveOff[live] = base + i * dim;
          liveScale[live++] = a;
        }
      }
      int n0 = t0 + rn;
      int nn = Math.min(tile, batch - n0);
      Arrays.fill(lanes, 0, 8 * nn, 0.0);
      for (int c0 = 0; c0 < dim; c0 += PIPELINE_STEP) {
        int len = Math.min(PIPELINE_STEP, dim - c0);
        for (int r = 0; r < nn; r++) {
          ClipMath.addSquares(x, base + (n0 + r) * dim + c0, len, lanes, 8 * r);
        }
        if (live == 0) {
          continue;
        }
        if (sumArray != null) {
          scaleAddRows(x, liveOff, liveScale, live, c0, sumArray, sumBase + c0, len);
        } else {
          // Absolute bulk get/put (Java 13) are not on Android API 26.
          ((Buffer) sumView).position(sumPos + c0);
          sumView.get(acc, 0, len);
          scaleAddRows(x, liveOff, liveScale, live, c0, acc, 0, len);
          ((Buffer) sumView).position(sumPos + c0);
          sumView.put(acc, 0, len);
        }
      }
    }
    return tally.result();
  }

  /**
   * {@code y[yOff + j] += a_r · x[off_r + c0 + j]} for the rows {@code r < n} in order, four rows per pass over
   * {@code y}: {@code (((y + a0·x0) + a1·x1) + a2·x2) + a3·x3} rounds exactly like four separate passes.
   */
  private static void scaleAddRows(float[] x, int[] off, double[] a, int n, int c0, double[] y, int yOff, int len) {
    int r = 0;
    for (; r + 3 < n; r += 4) {
      double a0 = a[r], a1 = a[r + 1], a2 = a[r + 2], a3 = a[r + 3];
      int o0 = off[r] + c0, o1 = off[r + 1] + c0, o2 = off[r + 2] + c0, o3 = off[r + 3] + c0;
      for (int j = 0; j < len; j++) {
        y[yOff + j] = (((y[yOff + j] + a0 * x[o0 + j]) + a1 * x[o1 + j]) + a2 * x[o2 + j]) + a3 * x[o3 + j];
      }
    }
    for (; r + 1 < n; r += 2) {
      double a0 = a[r], a1 = a[r + 1];
      int o0 = off[r] + c0, o1 = off[r + 1] + c0;
      for (int j = 0; j < len; j++) {
        y[yOff + j] = (y[yOff + j] + a0 * x[o0 + j]) + a1 * x[o1 + j];
      }
    }
    if (r < n) {
      axpy(a[r], x, off[r] + c0, y, yOff, len);
    }
  }

  /** The two-pass path for rows in a direct buffer (read through a scratch array, column block by column block). */
  private static ClipResult twoPass(FloatBuffer rows, int batch, int dim, double[] w, double clipNorm,
      DoubleBuffer sum, DoubleBuffer norms) {
    int rowsPos = rows.position();
    double[] scale = new double[batch];
    ClipTally tally = new ClipTally(batch, clipNorm, norms);
    for (int i = 0; i < batch; i++) {
      scale[i] = tally.row(i, ClipMath.l2Norm(rows, rowsPos + i * dim, dim), w[i]);
    }
    float[] scratch = new float[Math.min(dim, COLUMN_BLOCK)];
    double[] acc = new double[Math.min(dim, COLUMN_BLOCK)];
    int sumPos = sum.position();
    // Absolute bulk get/put (Java 13) are not on Android API 26: relative ones on duplicates, positioned through
    // Buffer (position(int) returning DoubleBuffer is Java 9+).
    DoubleBuffer sumView = sum.duplicate();
    FloatBuffer rowView = rows.duplicate();
    for (int c0 = 0; c0 < dim; c0 += COLUMN_BLOCK) {
      int len = Math.min(COLUMN_BLOCK, dim - c0);
      ((Buffer) sumView).position(sumPos + c0);
      sumView.get(acc, 0, len);
      for (int i = 0; i < batch; i++) {
        double a = scale[i];
        if (a == 0.0) {
          continue;
        }
        ((Buffer) rowView).position(rowsPos + i * dim + c0);
        rowView.get(scratch, 0, len);
        axpy(a, scratch, 0, acc, 0, len);
      }
      ((Buffer) sumView).position(sumPos + c0);
      sumView.put(acc, 0, len);
    }
    return tally.result();
  }

  private static void axpy(double a, float[] x, int xOff, double[] y, int yOff, int n) {
    for (int j = 0; j < n; j++) {
      y[yOff + j] += a * x[xOff + j];
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
