package io.trustfl.train;

import java.util.Objects;

/**
 * Labelled examples: features and class labels, row for row. Used for whole data sets and for the batches drawn
 * from them; a batch may be empty (Poisson sampling can draw no example).
 *
 * @param features the inputs
 * @param labels one class index per row, each in {@code [0, numClasses)} as checked by the trainer
 */
public record Batch(Features features, int[] labels) {
  /** Validates that features and labels have the same number of rows and labels are ≥ 0. */
  public Batch {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
    if (features.rows() != labels.length) {
      throw new IllegalArgumentException("features have " + features.rows() + " rows but there are "
          + labels.length + " labels");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0) {
        throw new IllegalArgumentException("labels must be >= 0, got " + labels[i] + " at row " + i);
      }
    }
  }

  /** Number of examples. */
  public int size() {
    return labels.length;
  }

  /** The examples at {@code indexes}, in that order. */
  public Batch select(int[] indexes) {
    int[] l = new int[indexes.length];
    for (int i = 0; i < indexes.length; i++) {
      l[i] = labels[Objects.checkIndex(indexes[i], labels.length)];
    }
    return new Batch(features.select(indexes), l);
  }

  /**
   * Checks every label against a model's class count.
   *
   * @throws IllegalArgumentException naming the first label outside {@code [0, numClasses)}
   */
  public void requireLabelsBelow(int numClasses, String what) {
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] >= numClasses) {
        throw new IllegalArgumentException(what + " label " + labels[i] + " at row " + i
            + " is outside the model's " + numClasses + " classes [0, " + numClasses + ")");
      }
    }
  }
}
