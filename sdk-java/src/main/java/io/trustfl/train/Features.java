package io.trustfl.train;

/**
 * Model inputs for a set of examples, one row per example. A row's features never depend on which other rows share
 * its batch (the trainer relies on this for per-example privacy).
 */
public sealed interface Features permits DenseFeatures, TokenFeatures {
  /** Number of examples. */
  int rows();

  /** The rows at {@code indexes}, in that order (indexes may repeat). */
  Features select(int[] indexes);
}
