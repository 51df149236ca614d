package io.trustfl.data;

import java.util.Objects;

/**
 * Train, validation and test splits of one data set. Validation is used for tuning and early stopping; test only
 * for the final report.
 */
public record DatasetSplits(Dataset train, Dataset validation, Dataset test) {
  /** Validates that no split is null. */
  public DatasetSplits {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(validation, "validation");
    Objects.requireNonNull(test, "test");
  }
}
