package io.trustfl.train;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Test-only reference {@link StepModel}: multinomial logistic regression {@code logits = x·W + b} on dense features,
 * with per-example gradients materialized explicitly ({@code ∂W = x δᵀ}, {@code ∂b = δ}, {@code δ = softmax − onehot})
 * and clipped one by one — the naive DP-SGD an ONNX {@code dp_train_step} must agree with. Public (in test code
 * only) so that the client tests train through the same reference.
 */
public final class SoftmaxRegression implements StepModel {
  final int dim;
  final int classes;
  int dpCalls;
  int plainCalls;

  /** A model over {@code dim} dense features and {@code classes} classes. */
  public SoftmaxRegression(int dim, int classes) {
    this.dim = dim;
    this.classes = classes;
  }

  /** Parameters "w" [dim, classes] (row-major) and "b" [classes] with the given values. */
  public static Params params(int dim, int classes, float[] w, float[] b) {
    return Params.of(List.of("w", "b"), List.of(new long[] {dim, classes}, new long[] {classes}), List.of(w, b));
  }

  /** Parameters "w" [dim, classes] and "b" [classes], small seeded uniform weights. */
  Params init(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] w = new float[dim * classes];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (r.nextDouble(-0.1, 0.1));
    }
    return Params.of(List.of("w", "b"), List.of(new long[] {dim, classes}, new long[] {classes}),
        List.of(w, new float[classes]));
  }

  @Override
  public int numClasses() {
    return classes;
  }

  @Override
  public float[] logits(Batch batch, Params params) {
    int n = batch.size();
    float[] out = new float[n * classes];
    for (int i = 0; i < n; i++) {
      double[] z = logitsRow(batch, i, params);
      for (int c = 0; c < classes; c++) {
        out[i * classes + c] = (float) z[c];
      }
    }
    return out;
  }

  double[] logitsRow(Batch batch, int i, Params params) {
    float[] x = ((DenseFeatures) batch.features()).values();
    float[] w = params.live(0);
    float[] b = params.live(1);
    double[] z = new double[classes];
    for (int c = 0; c < classes; c++) {
      double s = b[c];
      for (int d = 0; d < dim; d++) {
        s += (double) x[i * dim + d] * w[d * classes + c];
      }
      z[c] = s;
    }
    return z;
  }

  /** Loss of example i and its full gradient (w then b, flattened). */
  double exampleGradient(Batch batch, int i, Params params, double[] gradOut) {
    float[] x = ((DenseFeatures) batch.features()).values();
    double[] z = logitsRow(batch, i, params);
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    int y = batch.labels()[i];
    double loss = Math.log(sum) + max - z[y];
    for (int c = 0; c < classes; c++) {
      double delta = Math.exp(z[c] - max) / sum - (c == y ? 1 : 0);
      for (int d = 0; d < dim; d++) {
        gradOut[d * classes + c] = x[i * dim + d] * delta;
      }
      gradOut[dim * classes + c] = delta;
    }
    return loss;
  }

  @Override
  public PlainStepResult step(Batch batch, Params params) {
    plainCalls++;
    double[] g = new double[dim * classes + classes];
    double[] sum = new double[g.length];
    double loss = 0;
    for (int i = 0; i < batch.size(); i++) {
      loss += exampleGradient(batch, i, params, g);
      for (int j = 0; j < g.length; j++) {
        sum[j] += g[j];
      }
    }
    return new PlainStepResult(loss / batch.size(), split(sum));
  }

  @Override
  public DpStepResult dpStep(Batch batch, Params params, double clipNorm) {
    dpCalls++;
    int n = batch.size();
    double[] g = new double[dim * classes + classes];
    double[] sum = new double[g.length];
    double[] losses = new double[n];
    double[] norms = new double[n];
    for (int i = 0; i < n; i++) {
      losses[i] = exampleGradient(batch, i, params, g);
      double sq = 0;
      for (double v : g) {
        sq += v * v;
      }
      norms[i] = Math.sqrt(sq);
      double f = Math.min(1, clipNorm / Math.max(norms[i], 1e-20));
      for (int j = 0; j < g.length; j++) {
        sum[j] += f * g[j];
      }
    }
    return new DpStepResult(losses, norms, split(sum));
  }

  private double[][] split(double[] flat) {
    double[] w = new double[dim * classes];
    double[] b = new double[classes];
    System.arraycopy(flat, 0, w, 0, w.length);
    System.arraycopy(flat, w.length, b, 0, classes);
    return new double[][] {w, b};
  }

  /**
   * Gaussian blobs: class c centred at {@code spread·e_{c mod dim}} (plus a second coordinate for c ≥ dim), unit
   * noise; linearly separable enough for accuracy well above chance.
   */
  static Batch blobs(int n, int dim, int classes, double spread, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * dim];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(classes);
      y[i] = c;
      for (int d = 0; d < dim; d++) {
        x[i * dim + d] = (float) gaussian(r);
      }
      x[i * dim + (c % dim)] += (float) spread;
      if (c >= dim) {
        x[i * dim + ((c + 1) % dim)] += (float) spread;
      }
    }
    return new Batch(new DenseFeatures(x, n, dim), y);
  }

  static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
