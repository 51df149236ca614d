package io.trustfl.train;

import java.util.Objects;

/**
 * Dense float features: a {@code rows × dim} row-major matrix (e.g. cached sentence embeddings).
 *
 * @param values {@code rows·dim} finite floats (not copied; callers must not modify them afterwards)
 * @param rows number of examples, ≥ 0
 * @param dim feature width, ≥ 1
 */
public record DenseFeatures(float[] values, int rows, int dim) implements Features {
  /** Validates the shape; values are checked for finiteness once here. */
  public DenseFeatures {
    Objects.requireNonNull(values, "values");
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be >= 0, got " + rows);
    }
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    if ((long) rows * dim != values.length) {
      throw new IllegalArgumentException("values must have rows*dim = " + (long) rows * dim + " elements, got "
          + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException("feature " + (i % dim) + " of row " + (i / dim) + " is " + values[i]
            + ": features must be finite");
      }
    }
  }

  @Override
  public DenseFeatures select(int[] indexes) {
    float[] out = new float[indexes.length * dim];
    for (int r = 0; r < indexes.length; r++) {
      int src = Objects.checkIndex(indexes[r], rows);
      System.arraycopy(values, src * dim, out, r * dim, dim);
    }
    return new DenseFeatures(out, indexes.length, dim);
  }
}
