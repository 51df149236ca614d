package io.trustfl.onnx.layers;

/** How a parameter is initialized (from a seeded generator; see {@link io.trustfl.onnx.InitialWeights}). */
public sealed interface Init {
  /** All zeros. */
  record Zeros() implements Init {}

  /**
   * Independent uniform draws in {@code [-bound, bound)}.
   *
   * @param bound half-width, finite and &gt; 0
   */
  record Uniform(double bound) implements Init {
    /** Validates the bound. */
    public Uniform {
      if (!(bound > 0) || Double.isInfinite(bound)) {
        throw new IllegalArgumentException("bound must be finite and > 0, got " + bound);
      }
    }
  }

  /** Zeros. */
  static Init zeros() {
    return new Zeros();
  }

  /** Uniform in {@code [-bound, bound)}. */
  static Init uniform(double bound) {
    return new Uniform(bound);
  }
}
