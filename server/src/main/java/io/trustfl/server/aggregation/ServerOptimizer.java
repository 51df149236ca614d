package io.trustfl.server.aggregation;

/**
 * Applies a round's average delta to the global model. The delta (local − global, averaged) is the negative of a
 * pseudo-gradient; adaptive server optimizers follow Reddi et al., "Adaptive Federated Optimization" (ICLR 2021),
 * Algorithm 2, with the defaults of REFERENCES.md §2.
 *
 * <p>Stateful (moments) and not thread-safe: one optimizer per task, stepped once per round. {@link #state()} and
 * {@link #restore} persist and resume it.
 */
public interface ServerOptimizer {

  /** Short name: "fedavg", "fedadam", "fedyogi" or "fedadagrad". */
  String name();

  /**
   * One server step: {@code global ← global + update(Δ)}, in place.
   *
   * @param global the global model's flat weights, updated in place
   * @param meanDelta the round's average delta Δ_t, same length, finite
   */
  void step(float[] global, double[] meanDelta);

  /** A copy of the optimizer's state. */
  OptimizerState state();

  /** Replaces the state with a persisted one (same optimizer kind and dimension). */
  void restore(OptimizerState state);

  /**
   * FedAvg's server step {@code x ← x + η·Δ} (η = 1 is plain FedAvg).
   *
   * @param serverLearningRate η, finite and &gt; 0
   */
  static ServerOptimizer fedAvg(double serverLearningRate) {
    return new FedAvgOptimizer(serverLearningRate);
  }

  /** FedAdam with η = 0.1, β₁ = 0.9, β₂ = 0.99, τ = 1e-3. */
  static ServerOptimizer fedAdam() {
    return fedAdam(0.1, 0.9, 0.99, 1e-3);
  }

  /** FedAdam: {@code m ← β₁m + (1−β₁)Δ, v ← β₂v + (1−β₂)Δ², x ← x + η·m/(√v + τ)}. */
  static ServerOptimizer fedAdam(double eta, double beta1, double beta2, double tau) {
    return new FedOptOptimizer(FedOptOptimizer.Kind.ADAM, eta, beta1, beta2, tau);
  }

  /** FedYogi with η = 0.1, β₁ = 0.9, β₂ = 0.99, τ = 1e-3. */
  static ServerOptimizer fedYogi() {
    return fedYogi(0.1, 0.9, 0.99, 1e-3);
  }

  /** FedYogi: {@code v ← v − (1−β₂)·Δ²·sign(v − Δ²)}, otherwise as FedAdam. */
  static ServerOptimizer fedYogi(double eta, double beta1, double beta2, double tau) {
    return new FedOptOptimizer(FedOptOptimizer.Kind.YOGI, eta, beta1, beta2, tau);
  }

  /** FedAdagrad with η = 0.1, β₁ = 0 (Flower's default), τ = 1e-3. */
  static ServerOptimizer fedAdagrad() {
    return fedAdagrad(0.1, 0.0, 1e-3);
  }

  /** FedAdagrad: {@code v ← v + Δ²}, otherwise as FedAdam. */
  static ServerOptimizer fedAdagrad(double eta, double beta1, double tau) {
    return new FedOptOptimizer(FedOptOptimizer.Kind.ADAGRAD, eta, beta1, 0.0, tau);
  }
}
