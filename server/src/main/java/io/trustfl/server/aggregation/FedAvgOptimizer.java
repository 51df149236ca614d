package io.trustfl.server.aggregation;

/** {@code x ← x + η·Δ}. */
final class FedAvgOptimizer implements ServerOptimizer {
  private final double eta;
  private long steps;

  FedAvgOptimizer(double eta) {
    if (!(eta > 0) || Double.isInfinite(eta)) {
      throw new IllegalArgumentException("serverLearningRate must be finite and > 0, got " + eta);
    }
    this.eta = eta;
  }

  @Override
  public String name() {
    return "fedavg";
  }

  @Override
  public void step(float[] global, double[] meanDelta) {
    FedOptOptimizer.checkStep(global, meanDelta);
    for (int i = 0; i < global.length; i++) {
      global[i] = (float) (global[i] + eta * meanDelta[i]);
    }
    steps++;
  }

  @Override
  public OptimizerState state() {
    return new OptimizerState(name(), steps, new double[0], new double[0]);
  }

  @Override
  public void restore(OptimizerState state) {
    if (!state.optimizer().equals(name())) {
      throw new IllegalArgumentException("cannot restore a " + state.optimizer() + " state into " + name());
    }
    steps = state.steps();
  }
}
