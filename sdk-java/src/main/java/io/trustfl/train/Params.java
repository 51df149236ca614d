package io.trustfl.train;

import com.google.protobuf.ByteString;
import io.trustfl.proto.DType;
import io.trustfl.proto.ProtocolVersions;
import io.trustfl.proto.Tensor;
import io.trustfl.proto.Weights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An ordered set of named float32 parameter tensors (row-major). The trainer owns and updates the arrays in place;
 * everything handed out to callers ({@link #copy()}, {@link #toWeights()}) is a copy.
 *
 * <p>Not thread-safe.
 */
public final class Params {
  private final List<String> names;
  private final List<long[]> shapes;
  private final float[][] values;

  private Params(List<String> names, List<long[]> shapes, float[][] values) {
    this.names = names;
    this.shapes = shapes;
    this.values = values;
  }

  /**
   * Parameters from names, shapes and values (copied); every value must be finite.
   *
   * @throws IllegalArgumentException on duplicate names, shape/length mismatches or non-finite values
   */
  public static Params of(List<String> names, List<long[]> shapes, List<float[]> values) {
    Objects.requireNonNull(names, "names");
    Objects.requireNonNull(shapes, "shapes");
    Objects.requireNonNull(values, "values");
    if (names.size() != shapes.size() || names.size() != values.size()) {
      throw new IllegalArgumentException("names, shapes and values must have equal sizes, got " + names.size()
          + ", " + shapes.size() + ", " + values.size());
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("parameters must contain at least one tensor, got none");
    }
    List<String> n = new ArrayList<>();
    List<long[]> s = new ArrayList<>();
    float[][] v = new float[names.size()][];
    for (int i = 0; i < names.size(); i++) {
      String name = Objects.requireNonNull(names.get(i), "parameter name");
      if (n.contains(name)) {
        throw new IllegalArgumentException("parameter names must be unique, got '" + name + "' twice");
      }
      long[] shape = shapes.get(i).clone();
      long count = elementCount(name, shape);
      float[] vals = values.get(i);
      if (vals.length != count) {
        throw new IllegalArgumentException("parameter '" + name + "' has shape " + Arrays.toString(shape)
            + " (" + count + " elements) but " + vals.length + " values");
      }
      n.add(name);
      s.add(shape);
      v[i] = vals.clone();
    }
    Params p = new Params(List.copyOf(n), s, v);
    p.requireFinite();
    return p;
  }

  /**
   * Parameters from a {@link Weights} message of FLOAT32 tensors.
   *
   * @throws IllegalArgumentException for other dtypes, malformed payloads or non-finite values
   */
  public static Params fromWeights(Weights weights) {
    Objects.requireNonNull(weights, "weights");
    ProtocolVersions.check("Weights", weights.getVersion());
    List<String> names = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    List<float[]> values = new ArrayList<>();
    for (Tensor t : weights.getTensorsList()) {
      if (t.getDtype() != DType.FLOAT32) {
        throw new IllegalArgumentException("parameter '" + t.getName() + "' must be FLOAT32, got " + t.getDtype());
      }
      long[] shape = t.getShapeList().stream().mapToLong(Long::longValue).toArray();
      long count = elementCount(t.getName(), shape);
      if (t.getData().size() != count * Float.BYTES) {
        throw new IllegalArgumentException("parameter '" + t.getName() + "' has shape " + Arrays.toString(shape)
            + " but " + t.getData().size() + " payload bytes (expected " + count * Float.BYTES + ")");
      }
      float[] vals = new float[(int) count];
      t.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vals);
      names.add(t.getName());
      shapes.add(shape);
      values.add(vals);
    }
    return of(names, shapes, values);
  }

  private static long elementCount(String name, long[] shape) {
    long count = 1;
    for (long d : shape) {
      if (d < 1) {
        throw new IllegalArgumentException("parameter '" + name + "' dimensions must be >= 1, got "
            + Arrays.toString(shape));
      }
      count = Math.multiplyExact(count, d);
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("parameter '" + name + "' is too large: " + count + " elements");
    }
    return count;
  }

  /** The parameters as a {@link Weights} message (FLOAT32, little-endian, current format version). */
  public Weights toWeights() {
    Weights.Builder b = Weights.newBuilder().setVersion(ProtocolVersions.current());
    for (int i = 0; i < values.length; i++) {
      ByteBuffer buf = ByteBuffer.allocate(values[i].length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      buf.asFloatBuffer().put(values[i]);
      Tensor.Builder t = Tensor.newBuilder().setName(names.get(i)).setDtype(DType.FLOAT32)
          .setData(ByteString.copyFrom(buf.array()));
      for (long d : shapes.get(i)) {
        t.addShape(d);
      }
      b.addTensors(t);
    }
    return b.build();
  }

  /** A deep copy. */
  public Params copy() {
    float[][] v = new float[values.length][];
    for (int i = 0; i < v.length; i++) {
      v[i] = values[i].clone();
    }
    return new Params(names, shapes, v);
  }

  /** Copies every value of {@code other} (same layout) into this. */
  void copyFrom(Params other) {
    requireSameLayout(other);
    for (int i = 0; i < values.length; i++) {
      System.arraycopy(other.values[i], 0, values[i], 0, values[i].length);
    }
  }

  /** Number of tensors. */
  public int count() {
    return values.length;
  }

  /** Tensor names, in order. */
  public List<String> names() {
    return names;
  }

  /** Shape of tensor {@code i} (a copy). */
  public long[] shape(int i) {
    return shapes.get(i).clone();
  }

  /** Values of tensor {@code i} (a copy). */
  public float[] values(int i) {
    return values[i].clone();
  }

  /** Number of elements of tensor {@code i}. */
  public int size(int i) {
    return values[i].length;
  }

  /** Total number of scalar parameters. */
  public long totalSize() {
    long n = 0;
    for (float[] v : values) {
      n += v.length;
    }
    return n;
  }

  /**
   * The live array of tensor {@code i}: for step models and optimizers inside the training loop, which must not
   * keep it beyond one call.
   */
  float[] live(int i) {
    return values[i];
  }

  /** Gradient-shaped zero arrays (double), one per tensor. */
  double[][] zerosLike() {
    double[][] z = new double[values.length][];
    for (int i = 0; i < z.length; i++) {
      z[i] = new double[values[i].length];
    }
    return z;
  }

  /**
   * Checks that every value is finite.
   *
   * @throws IllegalArgumentException naming the first non-finite value
   */
  public void requireFinite() {
    for (int i = 0; i < values.length; i++) {
      float[] v = values[i];
      for (int j = 0; j < v.length; j++) {
        if (!Float.isFinite(v[j])) {
          throw new IllegalArgumentException("parameter '" + names.get(i) + "' element " + j + " is " + v[j]
              + ": parameters must be finite");
        }
      }
    }
  }

  /** Checks that {@code other} has the same names and shapes. */
  void requireSameLayout(Params other) {
    if (!names.equals(other.names)) {
      throw new IllegalArgumentException("parameter names differ: " + names + " vs " + other.names);
    }
    for (int i = 0; i < values.length; i++) {
      if (!Arrays.equals(shapes.get(i), other.shapes.get(i))) {
        throw new IllegalArgumentException("parameter '" + names.get(i) + "' shapes differ: "
            + Arrays.toString(shapes.get(i)) + " vs " + Arrays.toString(other.shapes.get(i)));
      }
    }
  }

  /** Checks that a gradient has one array per tensor with matching lengths. */
  void requireGradientLayout(double[][] grad, String what) {
    if (grad == null || grad.length != values.length) {
      throw new IllegalStateException(what + " must have " + values.length + " tensors, got "
          + (grad == null ? "null" : grad.length));
    }
    for (int i = 0; i < grad.length; i++) {
      if (grad[i] == null || grad[i].length != values[i].length) {
        throw new IllegalStateException(what + " tensor '" + names.get(i) + "' must have " + values[i].length
            + " elements, got " + (grad[i] == null ? "null" : grad[i].length));
      }
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Params[");
    for (int i = 0; i < values.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(names.get(i)).append(Arrays.toString(shapes.get(i)));
    }
    return sb.append(']').toString();
  }
}
