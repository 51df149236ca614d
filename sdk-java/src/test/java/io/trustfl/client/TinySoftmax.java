package io.trustfl.client;

import io.trustfl.train.Batch;
import io.trustfl.train.DenseFeatures;
import io.trustfl.train.DpStepResult;
import io.trustfl.train.Params;
import io.trustfl.train.PlainStepResult;
import io.trustfl.train.StepModel;
import java.util.List;

/**
 * Test-only multinomial logistic regression {@code logits = x·W + b} (W is dim × classes, row-major), with naive
 * per-example gradients; parameters "w" and "b".
 */
final class TinySoftmax implements StepModel {
  final int dim;
  final int classes;

  TinySoftmax(int dim, int classes) {
    this.dim = dim;
    this.classes = classes;
  }

  static Params params(int dim, int classes, float[] w, float[] b) {
    return Params.of(List.of("w", "b"), List.of(new long[] {dim, classes}, new long[] {classes}), List.of(w, b));
  }

  @Override
  public int numClasses() {
    return classes;
  }

  @Override
  public float[] logits(Batch batch, Params params) {
    float[] out = new float[batch.size() * classes];
    for (int i = 0; i < batch.size(); i++) {
      double[] z = row(batch, i, params);
      for (int c = 0; c < classes; c++) {
        out[i * classes + c] = (float) z[c];
      }
    }
    return out;
  }

  private double[] row(Batch batch, int i, Params params) {
    float[] x = ((DenseFeatures) batch.features()).values();
    float[] w = params.values(0);
    float[] b = params.values(1);
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

  /** Loss of example i; adds its gradient times {@code scale} into gw, gb. */
  private double example(Batch batch, int i, Params params, double[] gw, double[] gb, double[] norm) {
    float[] x = ((DenseFeatures) batch.features()).values();
    double[] z = row(batch, i, params);
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    int y = batch.labels()[i];
    double[] delta = new double[classes];
    double sq = 0;
    for (int c = 0; c < classes; c++) {
      delta[c] = Math.exp(z[c] - max) / sum - (c == y ? 1 : 0);
    }
    for (int d = 0; d < dim; d++) {
      for (int c = 0; c < classes; c++) {
        double g = x[i * dim + d] * delta[c];
        gw[d * classes + c] = g;
        sq += g * g;
      }
    }
    for (int c = 0; c < classes; c++) {
      gb[c] = delta[c];
      sq += delta[c] * delta[c];
    }
    norm[0] = Math.sqrt(sq);
    return Math.log(sum) + max - z[y];
  }

  @Override
  public PlainStepResult step(Batch batch, Params params) {
    double[] sw = new double[dim * classes];
    double[] sb = new double[classes];
    double[] gw = new double[dim * classes];
    double[] gb = new double[classes];
    double[] norm = new double[1];
    double loss = 0;
    for (int i = 0; i < batch.size(); i++) {
      loss += example(batch, i, params, gw, gb, norm);
      for (int j = 0; j < sw.length; j++) {
        sw[j] += gw[j];
      }
      for (int j = 0; j < sb.length; j++) {
        sb[j] += gb[j];
      }
    }
    return new PlainStepResult(loss / batch.size(), new double[][] {sw, sb});
  }

  @Override
  public DpStepResult dpStep(Batch batch, Params params, double clipNorm) {
    double[] sw = new double[dim * classes];
    double[] sb = new double[classes];
    double[] gw = new double[dim * classes];
    double[] gb = new double[classes];
    double[] norm = new double[1];
    double[] losses = new double[batch.size()];
    double[] norms = new double[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      losses[i] = example(batch, i, params, gw, gb, norm);
      norms[i] = norm[0];
      double f = Math.min(1, clipNorm / norm[0]);
      for (int j = 0; j < sw.length; j++) {
        sw[j] += f * gw[j];
      }
      for (int j = 0; j < sb.length; j++) {
        sb[j] += f * gb[j];
      }
    }
    return new DpStepResult(losses, norms, new double[][] {sw, sb});
  }
}
