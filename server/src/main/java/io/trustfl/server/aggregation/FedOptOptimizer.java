package io.trustfl.server.aggregation;

import java.util.Arrays;

/**
 * FedAdagrad, FedAdam and FedYogi (Reddi et al. 2021, Algorithm 2): {@code m_t = β₁m_{t−1} + (1−β₁)Δ_t}; v_t by
 * the variant; {@code x_{t+1} = x_t + η·m_t/(√v_t + τ)}; {@code m_{−1} = 0}, {@code v_{−1} = τ²} as in the paper
 * (no bias correction). Moments are kept in double.
 */
final class FedOptOptimizer implements ServerOptimizer {
  enum Kind { ADAGRAD, ADAM, YOGI }

  private final Kind kind;
  private final double eta;
  private final double beta1;
  private final double beta2;
  private final double tau;
  private long steps;
  private double[] m;
  private double[] v;

  FedOptOptimizer(Kind kind, double eta, double beta1, double beta2, double tau) {
    if (!(eta > 0) || Double.isInfinite(eta)) {
      throw new IllegalArgumentException("eta (server learning rate) must be finite and > 0, got " + eta);
    }
    if (!(beta1 >= 0 && beta1 < 1)) {
      throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
    }
    if (kind != Kind.ADAGRAD && !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
    }
    if (!(tau > 0) || Double.isInfinite(tau)) {
      throw new IllegalArgumentException("tau (adaptivity) must be finite and > 0, got " + tau);
    }
    this.kind = kind;
    this.eta = eta;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.tau = tau;
  }

  @Override
  public String name() {
    return switch (kind) {
      case ADAGRAD -> "fedadagrad";
      case ADAM -> "fedadam";
      case YOGI -> "fedyogi";
    };
  }

  @Override
  public void step(float[] global, double[] delta) {
    checkStep(global, delta);
    if (m == null) {
      m = new double[global.length];
      v = new double[global.length];
      Arrays.fill(v, tau * tau);
    } else if (m.length != global.length) {
      throw new IllegalArgumentException("this optimizer's state has dimension " + m.length + ", got "
          + global.length);
    }
    for (int i = 0; i < global.length; i++) {
      double d = delta[i];
      double d2 = d * d;
      m[i] = beta1 * m[i] + (1 - beta1) * d;
      switch (kind) {
        case ADAGRAD -> v[i] = v[i] + d2;
        case ADAM -> v[i] = beta2 * v[i] + (1 - beta2) * d2;
        case YOGI -> v[i] = v[i] - (1 - beta2) * d2 * Math.signum(v[i] - d2);
      }
      global[i] = (float) (global[i] + eta * m[i] / (Math.sqrt(v[i]) + tau));
    }
    steps++;
  }

  @Override
  public OptimizerState state() {
    return new OptimizerState(name(), steps, m == null ? new double[0] : m, v == null ? new double[0] : v);
  }

  @Override
  public void restore(OptimizerState state) {
    if (!state.optimizer().equals(name())) {
      throw new IllegalArgumentException("cannot restore a " + state.optimizer() + " state into " + name());
    }
    steps = state.steps();
    double[] sm = state.firstMoment();
    m = sm.length == 0 ? null : sm;
    v = sm.length == 0 ? null : state.secondMoment();
  }

  static void checkStep(float[] global, double[] delta) {
    if (global.length != delta.length) {
      throw new IllegalArgumentException("meanDelta must have the global model's length " + global.length
          + ", got " + delta.length);
    }
    for (int i = 0; i < delta.length; i++) {
      if (!Double.isFinite(delta[i])) {
        throw new IllegalArgumentException("meanDelta[" + i + "] must be finite, got " + delta[i]);
      }
    }
  }
}
