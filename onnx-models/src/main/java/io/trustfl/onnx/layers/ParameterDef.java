package io.trustfl.onnx.layers;

import java.util.List;

/**
 * A trainable parameter: its name (also its graph input's name), shape and initializer.
 *
 * @param name non-blank, e.g. {@code head.w1}
 * @param shape dimensions, each &gt; 0
 * @param init how its initial values are drawn
 */
public record ParameterDef(String name, List<Long> shape, Init init) {
  /** Validates and copies. */
  public ParameterDef {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("parameter name must be non-blank, got '" + name + "'");
    }
    shape = List.copyOf(shape);
    if (shape.isEmpty()) {
      throw new IllegalArgumentException("shape of " + name + " must have at least one dimension");
    }
    for (long d : shape) {
      if (d <= 0) {
        throw new IllegalArgumentException("dimensions of " + name + " must be > 0, got " + shape);
      }
    }
    if (init == null) {
      throw new IllegalArgumentException("init of " + name + " must not be null");
    }
  }

  /** Number of elements. */
  public long size() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** The shape as ONNX dimension objects (for graph inputs). */
  public Object[] dims() {
    return shape.toArray();
  }
}
