package io.trustfl.server.aggregation;

import java.util.Objects;

/**
 * Persistable state of a {@link ServerOptimizer}.
 *
 * @param optimizer the optimizer's {@link ServerOptimizer#name()}
 * @param steps rounds applied so far
 * @param firstMoment m (empty before the first step and for FedAvg)
 * @param secondMoment v (empty before the first step and for FedAvg)
 */
public record OptimizerState(String optimizer, long steps, double[] firstMoment, double[] secondMoment) {

  /** Validates and copies. */
  public OptimizerState {
    Objects.requireNonNull(optimizer, "optimizer");
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    firstMoment = firstMoment.clone();
    secondMoment = secondMoment.clone();
    if (firstMoment.length != secondMoment.length) {
      throw new IllegalArgumentException("moments must have equal length, got " + firstMoment.length + " and "
          + secondMoment.length);
    }
  }

  /** m (a copy). */
  @Override
  public double[] firstMoment() {
    return firstMoment.clone();
  }

  /** v (a copy). */
  @Override
  public double[] secondMoment() {
    return secondMoment.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OptimizerState s && s.optimizer.equals(optimizer) && s.steps == steps
        && java.util.Arrays.equals(s.firstMoment, firstMoment) && java.util.Arrays.equals(s.secondMoment, secondMoment);
  }

  @Override
  public int hashCode() {
    return Objects.hash(optimizer, steps, java.util.Arrays.hashCode(firstMoment),
        java.util.Arrays.hashCode(secondMoment));
  }

  @Override
  public String toString() {
    return "OptimizerState[" + optimizer + ", steps=" + steps + ", dim=" + firstMoment.length + "]";
  }
}
