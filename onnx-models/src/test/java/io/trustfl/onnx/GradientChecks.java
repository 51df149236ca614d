package io.trustfl.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trustfl.onnx.OrtRunner.In;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Test helper shared by the layer-level and model-level gradient tests: central finite differences through ONNX
 * Runtime, a relative-tolerance comparison that refuses trivially zero references, seeded random values, and
 * slicing one example out of a batched value.
 */
public final class GradientChecks {
  /** Finite-difference step h. */
  public static final double H = 1e-5;

  private GradientChecks() {}

  /** A scalar objective read from a graph run's outputs. */
  @FunctionalInterface
  public interface Objective {
    /** The objective's value for these outputs. */
    double of(Map<String, double[]> outputs);
  }

  /**
   * Central finite differences {@code (obj(v + h·e_i) − obj(v − h·e_i)) / 2h} of the objective with respect to every
   * element of the real input {@code name}, the other inputs held at {@code values}.
   */
  public static double[] finiteDifferences(OrtRunner ort, Map<String, In> values, String name, Objective obj)
      throws Exception {
    In base = values.get(name);
    double[] fd = new double[base.reals().length];
    Map<String, In> v = new HashMap<>(values);
    for (int i = 0; i < fd.length; i++) {
      double[] plus = base.reals().clone();
      double[] minus = base.reals().clone();
      plus[i] += H;
      minus[i] -= H;
      v.put(name, In.real(plus, base.shape()));
      double fp = obj.of(ort.run(v));
      v.put(name, In.real(minus, base.shape()));
      double fm = obj.of(ort.run(v));
      fd[i] = (fp - fm) / (2 * H);
    }
    return fd;
  }

  /**
   * Asserts {@code |expected_i − actual_i| <= tol·max(1, |expected_i|)} for every element, and that some expected
   * element exceeds {@code nonZero} in magnitude (a zero reference would prove nothing).
   */
  public static void assertClose(double[] expected, double[] actual, double tol, double nonZero, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    boolean anyNonZero = false;
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), what + " [" + i + "]");
      anyNonZero |= Math.abs(expected[i]) > nonZero;
    }
    assertTrue(anyNonZero, what + " is trivially zero: the check would prove nothing");
  }

  /** {@code n} values uniform in {@code [−scale, scale)}. */
  public static double[] random(SplittableRandom rng, int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (2 * rng.nextDouble() - 1) * scale;
    }
    return v;
  }

  /** Example {@code i} of a batched value (first dimension), as a batch of one. */
  public static In row(In v, int i) {
    long[] shape = v.shape().clone();
    int width = 1;
    for (int k = 1; k < shape.length; k++) {
      width *= (int) shape[k];
    }
    shape[0] = 1;
    if (v.ints() != null) {
      return In.int64(Arrays.copyOfRange(v.ints(), i * width, (i + 1) * width), shape);
    }
    return In.real(Arrays.copyOfRange(v.reals(), i * width, (i + 1) * width), shape);
  }
}
