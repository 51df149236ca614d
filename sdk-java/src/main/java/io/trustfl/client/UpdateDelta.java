package io.trustfl.client;

import io.trustfl.proto.ProtocolVersions;
import io.trustfl.proto.Weights;
import io.trustfl.proto.WeightsCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A model delta on its way through the {@link UpdateStage}s: named float tensors that stages modify in place, and,
 * once a quantization stage ran, the quantized levels each tensor is sent as.
 *
 * <p>Not thread-safe; one pipeline run owns it.
 */
public final class UpdateDelta {
  private final List<String> names;
  private final List<long[]> shapes;
  private final float[][] values;
  private final Quantized[] quantized;

  /**
   * Levels of one quantized tensor.
   *
   * @param levels one level per element in {@code [0, 2^bits − 1]}
   * @param bits 1 … 16
   * @param lo value of level 0
   * @param hi value of the top level
   */
  public record Quantized(int[] levels, int bits, double lo, double hi) {}

  /**
   * A delta from tensors (arrays are taken over, not copied).
   *
   * @throws IllegalArgumentException if the lists differ in size or a shape does not match its values
   */
  public UpdateDelta(List<String> names, List<long[]> shapes, List<float[]> values) {
    if (names.size() != shapes.size() || names.size() != values.size()) {
      throw new IllegalArgumentException("names, shapes and values must have equal sizes, got " + names.size()
          + ", " + shapes.size() + ", " + values.size());
    }
    this.names = List.copyOf(names);
    this.shapes = new ArrayList<>(shapes);
    this.values = values.toArray(new float[0][]);
    this.quantized = new Quantized[values.size()];
    for (int i = 0; i < this.values.length; i++) {
      long n = 1;
      for (long d : shapes.get(i)) {
        n *= d;
      }
      if (n != this.values[i].length) {
        throw new IllegalArgumentException("tensor '" + names.get(i) + "' has " + this.values[i].length
            + " values for " + n + " elements");
      }
    }
  }

  /** Number of tensors. */
  public int tensorCount() {
    return values.length;
  }

  /** Name of tensor {@code i}. */
  public String name(int i) {
    return names.get(i);
  }

  /** The live values of tensor {@code i}, modified in place by stages. */
  public float[] values(int i) {
    return values[i];
  }

  /** Total number of elements D. */
  public int dimension() {
    int d = 0;
    for (float[] v : values) {
      d += v.length;
    }
    return d;
  }

  /** L2 norm over all tensors, accumulated in double (NaN if any element is not finite). */
  public double l2Norm() {
    double s = 0;
    for (float[] v : values) {
      for (float x : v) {
        s += (double) x * x;
      }
    }
    return Math.sqrt(s);
  }

  /** Marks tensor {@code i} as sent quantized with these levels. */
  public void setQuantized(int i, Quantized q) {
    quantized[i] = Objects.requireNonNull(q, "q");
  }

  /** The quantization of tensor {@code i}, or null when it is sent as FLOAT32. */
  public Quantized quantized(int i) {
    return quantized[i];
  }

  /** The wire form: FLOAT32 tensors, or QUANTIZED ones where a stage quantized them. */
  public Weights toWeights() {
    Weights.Builder w = Weights.newBuilder().setVersion(ProtocolVersions.current());
    for (int i = 0; i < values.length; i++) {
      Quantized q = quantized[i];
      w.addTensors(q == null ? WeightsCodec.encodeFloat32(names.get(i), shapes.get(i), values[i])
          : WeightsCodec.encodeQuantized(names.get(i), shapes.get(i), q.levels(), q.bits(), q.lo(), q.hi()));
    }
    return w.build();
  }
}
