package io.trustfl.onnx;

import java.util.List;

/**
 * A model input (features, token ids, token mask) as it appears in every graph of the model.
 *
 * @param name graph input name
 * @param integer true for int64 inputs, false for real-valued (float32 in shipped graphs) inputs
 * @param dims each a {@code Long} (fixed) or a {@code String} (symbolic, e.g. {@code "batch"})
 */
public record ModelInput(String name, boolean integer, List<Object> dims) {
  /** Validates and copies. */
  public ModelInput {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("input name must be non-blank, got '" + name + "'");
    }
    dims = List.copyOf(dims);
    for (Object d : dims) {
      if (!(d instanceof String) && !(d instanceof Long)) {
        throw new IllegalArgumentException("dims of " + name + " must be Long or String, got " + d);
      }
    }
  }
}
