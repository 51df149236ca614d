package io.trustfl.server.aggregation;

import io.trustfl.proto.ProtocolVersions;
import io.trustfl.proto.Tensor;
import io.trustfl.proto.Weights;
import io.trustfl.proto.WeightsCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The ordered tensor names and shapes of a global model, and the flat {@code float[]} view the aggregator works on
 * (tensors concatenated in order, each row-major).
 *
 * @param tensors the model's tensors in wire order, at least one
 */
public record ModelLayout(List<TensorSpec> tensors) {

  /** Validates and copies. */
  public ModelLayout {
    tensors = List.copyOf(tensors);
    if (tensors.isEmpty()) {
      throw new IllegalArgumentException("a model layout needs at least one tensor, got none");
    }
    long total = 0;
    for (TensorSpec t : tensors) {
      total += t.elementCount();
    }
    if (total < 1 || total > WeightsCodec.MAX_ELEMENTS) {
      throw new IllegalArgumentException("a model must have between 1 and " + WeightsCodec.MAX_ELEMENTS
          + " parameters, got " + total);
    }
  }

  /**
   * The layout of a model's weights (names and shapes as given).
   *
   * @throws WeightsCodec.MalformedTensorException if a shape is invalid
   */
  public static ModelLayout of(Weights weights) {
    List<TensorSpec> specs = new ArrayList<>();
    for (Tensor t : weights.getTensorsList()) {
      WeightsCodec.elementCount(t);
      specs.add(new TensorSpec(t.getName(), t.getShapeList()));
    }
    return new ModelLayout(specs);
  }

  /** Total number of parameters D. */
  public int dimension() {
    long total = 0;
    for (TensorSpec t : tensors) {
      total += t.elementCount();
    }
    return (int) total;
  }

  /**
   * Decodes weights of this layout into one flat vector (no validation beyond the codec's: use it for trusted
   * weights such as the global model; client updates go through {@link PartialAggregate#offer}).
   */
  public float[] flatten(Weights weights) {
    if (weights.getTensorsCount() != tensors.size()) {
      throw new IllegalArgumentException("weights have " + weights.getTensorsCount() + " tensors, layout has "
          + tensors.size());
    }
    float[] out = new float[dimension()];
    int off = 0;
    for (int i = 0; i < tensors.size(); i++) {
      Tensor t = weights.getTensors(i);
      TensorSpec spec = tensors.get(i);
      if (!spec.name().equals(t.getName()) || !spec.shape().equals(t.getShapeList())) {
        throw new IllegalArgumentException("tensor " + i + " is '" + t.getName() + "' " + t.getShapeList()
            + ", layout expects '" + spec.name() + "' " + spec.shape());
      }
      off += WeightsCodec.decodeInto(t, out, off);
    }
    return out;
  }

  /** Encodes a flat vector of this layout as FLOAT32 weights carrying the current format version. */
  public Weights toWeights(float[] flat) {
    if (flat.length != dimension()) {
      throw new IllegalArgumentException("flat weights must have " + dimension() + " elements, got "
          + flat.length);
    }
    Weights.Builder w = Weights.newBuilder().setVersion(ProtocolVersions.current());
    int off = 0;
    for (TensorSpec spec : tensors) {
      int n = (int) spec.elementCount();
      float[] part = new float[n];
      System.arraycopy(flat, off, part, 0, n);
      long[] shape = spec.shape().stream().mapToLong(Long::longValue).toArray();
      w.addTensors(WeightsCodec.encodeFloat32(spec.name(), shape, part));
      off += n;
    }
    return w.build();
  }

  /**
   * One tensor of a layout.
   *
   * @param name tensor name, unique within the model
   * @param shape dimensions, each ≥ 0 (empty for a scalar)
   */
  public record TensorSpec(String name, List<Long> shape) {
    /** Validates and copies. */
    public TensorSpec {
      Objects.requireNonNull(name, "name");
      shape = List.copyOf(shape);
      for (Long d : shape) {
        if (d < 0) {
          throw new IllegalArgumentException("shape of tensor '" + name + "' must have dimensions >= 0, got "
              + shape);
        }
      }
    }

    /** Product of the dimensions. */
    public long elementCount() {
      long n = 1;
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    }
  }
}
