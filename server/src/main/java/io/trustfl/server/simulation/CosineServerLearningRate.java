package io.trustfl.server.simulation;

import io.trustfl.server.aggregation.OptimizerState;
import io.trustfl.server.aggregation.ServerOptimizer;
import java.util.Objects;
import java.util.function.DoubleFunction;

/**
 * A server optimizer whose learning rate follows a cosine decay over the run (Loshchilov and Hutter, SGDR, 2017):
 * {@code η_t = η_min + (η − η_min)·(1 + cos(π·t/T))/2} with {@code η_min = η/100}, t the rounds applied so far
 * and T the planned rounds. Each step builds the wrapped optimizer at {@code η_t} and restores the running state (moments
 * and step count) into it, so the schedule composes with any {@link ServerOptimizer} and its persisted state is the
 * wrapped optimizer's. Without decay, FedAdam at a fixed η keeps oscillating under strong label skew once the
 * pseudo-gradient is mostly client drift. Not thread-safe, like the optimizers it wraps.
 */
final class CosineServerLearningRate implements ServerOptimizer {
  private final DoubleFunction<ServerOptimizer> factory;
  private final double eta;
  private final long totalRounds;
  private final String name;
  private OptimizerState state;

  /**
   * @param factory the optimizer at a given learning rate
   * @param eta the initial learning rate η, finite and &gt; 0
   * @param totalRounds T, ≥ 1
   */
  CosineServerLearningRate(DoubleFunction<ServerOptimizer> factory, double eta, long totalRounds) {
    this.factory = Objects.requireNonNull(factory, "factory");
    if (!(eta > 0) || Double.isInfinite(eta)) {
      throw new IllegalArgumentException("eta must be finite and > 0, got " + eta);
    }
    if (totalRounds < 1) {
      throw new IllegalArgumentException("totalRounds must be >= 1, got " + totalRounds);
    }
    this.eta = eta;
    this.totalRounds = totalRounds;
    ServerOptimizer first = factory.apply(eta);
    this.name = first.name();
    this.state = first.state();
  }

  /** η_t after {@code t} applied rounds. */
  double learningRate(long t) {
    double min = eta / 100;
    double frac = Math.min(1.0, (double) t / totalRounds);
    return min + (eta - min) * (1 + Math.cos(Math.PI * frac)) / 2;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void step(float[] global, double[] meanDelta) {
    ServerOptimizer o = factory.apply(learningRate(state.steps()));
    o.restore(state);
    o.step(global, meanDelta);
    state = o.state();
  }

  @Override
  public OptimizerState state() {
    return state;
  }

  @Override
  public void restore(OptimizerState s) {
    factory.apply(eta).restore(s); // validates the kind
    this.state = s;
  }
}
