package io.trustfl.client;

import io.trustfl.train.Batch;
import io.trustfl.train.DpStepResult;
import io.trustfl.train.Params;
import io.trustfl.train.PlainStepResult;
import io.trustfl.train.StepModel;

/**
 * FedProx (Li et al. 2020, eq. 2): the local objective {@code F(w) + (μ/2)‖w − w_g‖²}, as a wrapper around any
 * {@link StepModel}. The trainer divides gradient sums by the batch size (the expected one under DP), so the
 * proximal gradient {@code μ(w − w_g)} is added to a sum as {@code b·μ(w − w_g)}: with the actual batch size for a
 * plain step and with the expected batch size for a DP step. The proximal term depends only on public parameters,
 * not on any example, so adding it to the clipped sum does not change the DP step's sensitivity.
 */
final class ProximalStepModel implements StepModel {
  private final StepModel inner;
  private final Params global;
  private final double mu;
  private final double expectedBatch;

  ProximalStepModel(StepModel inner, Params global, double mu, double expectedBatch) {
    if (!(mu > 0) || Double.isInfinite(mu)) {
      throw new IllegalArgumentException("fedprox_mu must be finite and > 0, got " + mu);
    }
    this.inner = inner;
    this.global = global.copy();
    this.mu = mu;
    this.expectedBatch = expectedBatch;
  }

  @Override
  public int numClasses() {
    return inner.numClasses();
  }

  @Override
  public float[] logits(Batch batch, Params params) {
    return inner.logits(batch, params);
  }

  @Override
  public PlainStepResult step(Batch batch, Params params) {
    PlainStepResult r = inner.step(batch, params);
    double penalty = addProximal(r.gradientSum(), params, batch.size());
    return new PlainStepResult(r.meanLoss() + penalty, r.gradientSum());
  }

  @Override
  public DpStepResult dpStep(Batch batch, Params params, double clipNorm) {
    DpStepResult r = inner.dpStep(batch, params, clipNorm);
    addProximal(r.clippedSum(), params, expectedBatch);
    return r;
  }

  /** Adds {@code scale·μ(w − w_g)} to {@code sum}; returns {@code (μ/2)‖w − w_g‖²}. */
  private double addProximal(double[][] sum, Params params, double scale) {
    double sq = 0;
    for (int t = 0; t < params.count(); t++) {
      float[] w = params.values(t);
      float[] g = global.values(t);
      double[] s = sum[t];
      for (int i = 0; i < w.length; i++) {
        double d = (double) w[i] - g[i];
        s[i] += scale * mu * d;
        sq += d * d;
      }
    }
    return 0.5 * mu * sq;
  }
}
