package io.trustfl.train;

/** Which optimizer the trainer applies to the (averaged, and under DP noised) gradient, with its settings. */
public sealed interface OptimizerSpec permits OptimizerSpec.Sgd, OptimizerSpec.Adam {

  /** Learning rate. */
  double learningRate();

  /** A fresh optimizer with zero state for parameters laid out like {@code params}. */
  Optimizer create(Params params);

  /**
   * SGD with heavy-ball momentum as in PyTorch: {@code v ← μ·v + g; θ ← θ − η·v} (no dampening; μ = 0 is plain SGD).
   *
   * @param learningRate η, finite and &gt; 0
   * @param momentum μ in [0, 1)
   */
  record Sgd(double learningRate, double momentum) implements OptimizerSpec {
    /** Validates the settings. */
    public Sgd {
      requireLearningRate(learningRate);
      if (!(momentum >= 0 && momentum < 1)) {
        throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
      }
    }

    @Override
    public Optimizer create(Params params) {
      return new Optimizer.SgdMomentum(this, params);
    }
  }

  /**
   * Adam (Kingma &amp; Ba 2015, Algorithm 1) with bias correction:
   * {@code m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η·m̂/(√v̂ + ε)}, {@code m̂ = m/(1−β₁ᵗ)},
   * {@code v̂ = v/(1−β₂ᵗ)}.
   *
   * @param learningRate η, finite and &gt; 0
   * @param beta1 β₁ in [0, 1)
   * @param beta2 β₂ in [0, 1)
   * @param epsilon ε, finite and &gt; 0
   */
  record Adam(double learningRate, double beta1, double beta2, double epsilon) implements OptimizerSpec {
    /** Validates the settings. */
    public Adam {
      requireLearningRate(learningRate);
      if (!(beta1 >= 0 && beta1 < 1)) {
        throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
      }
      if (!(beta2 >= 0 && beta2 < 1)) {
        throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
      }
      if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
        throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
      }
    }

    /** Adam with the paper's defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8. */
    public static Adam withDefaults(double learningRate) {
      return new Adam(learningRate, 0.9, 0.999, 1e-8);
    }

    @Override
    public Optimizer create(Params params) {
      return new Optimizer.AdamOptimizer(this, params);
    }
  }

  private static void requireLearningRate(double learningRate) {
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
    }
  }
}
