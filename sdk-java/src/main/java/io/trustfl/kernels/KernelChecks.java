package io.trustfl.kernels;

import io.trustfl.privacy.ClipMath;
import java.nio.Buffer;
import java.util.Objects;

/**
 * Argument validation shared by every {@link Kernels} backend, so that all backends reject the same input with the
 * same message. For backend implementers; application code does not need it.
 */
public final class KernelChecks {
  private KernelChecks() {}

  /** Validates the arguments of {@link Kernels#clipAndAccumulate}. */
  public static void clipArgs(Buffer rows, int batch, int dim, Buffer weights, double clipNorm, Buffer sum,
      Buffer norms) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    if ((long) batch * dim > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("batch*dim must fit in an int (buffers are int-indexed), got "
          + (long) batch * dim);
    }
    ClipMath.requireClipNorm(clipNorm);
    remaining("rows", rows, batch * dim);
    remaining("sum", sum, dim);
    if (weights != null) {
      remaining("weights", weights, batch);
    }
    if (norms != null) {
      remaining("norms", norms, batch);
    }
  }

  /** Validates the activation and output-gradient buffers of the linear-layer kernels. */
  public static void linearArgs(LinearShape shape, Buffer activations, Buffer outputGrads) {
    Objects.requireNonNull(shape, "shape");
    remaining("activations", activations, shape.activationCount());
    remaining("outputGrads", outputGrads, shape.outputGradCount());
  }

  /** Validates the arguments of {@link Kernels#linearGhostNormsSquared}. */
  public static void linearGhostArgs(LinearShape shape, Buffer activations, Buffer outputGrads,
      Buffer squaredNorms) {
    linearArgs(shape, activations, outputGrads);
    remaining("squaredNorms", squaredNorms, shape.batch());
  }

  /**
   * Validates the buffer arguments of {@link Kernels#linearClippedSum} (not the factors' values: backends differ in
   * when they reject a non-finite factor).
   *
   * @return the weight gradient's length {@code in·out}
   */
  public static int linearClippedSumArgs(LinearShape shape, Buffer activations, Buffer outputGrads, Buffer factors,
      Buffer weightGrad, Buffer biasGrad) {
    linearArgs(shape, activations, outputGrads);
    remaining("factors", factors, shape.batch());
    long weights = (long) shape.in() * shape.out();
    if (weights > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("in*out must fit in an int (buffers are int-indexed), got " + weights);
    }
    remaining("weightGrad", weightGrad, weights);
    if (shape.bias()) {
      remaining("biasGrad", biasGrad, shape.out());
    }
    return (int) weights;
  }

  /** Requires {@code buffer.remaining() >= needed}. */
  public static void remaining(String name, Buffer buffer, long needed) {
    Objects.requireNonNull(buffer, name);
    if (buffer.remaining() < needed) {
      throw new IllegalArgumentException(name + " must have at least " + needed + " elements remaining, got "
          + buffer.remaining());
    }
  }

  /** Validates an aggregator's update weight: finite and ≥ 0. */
  public static void weight(double weight) {
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("weight must be finite and >= 0, got " + weight);
    }
  }

  /** Validates a noise standard deviation: finite and ≥ 0 (0 for no noise). */
  public static void stddev(double stddev) {
    if (!(stddev >= 0) || Double.isInfinite(stddev)) {
      throw new IllegalArgumentException("stddev must be finite and >= 0, got " + stddev);
    }
  }

  /** Validates a clip norm for an aggregator: finite and &gt; 0, or +∞ for no clipping. */
  public static void aggregatorClipNorm(double clipNorm) {
    if (clipNorm != Double.POSITIVE_INFINITY) {
      ClipMath.requireClipNorm(clipNorm);
    }
  }
}
