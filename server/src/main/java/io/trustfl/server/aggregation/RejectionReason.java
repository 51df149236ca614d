package io.trustfl.server.aggregation;

/**
 * Why the server refused a client update. A rejected update is counted under its reason and never summed.
 * {@link #wireName()} is the key used in {@code RoundSummary.rejected_by_reason}.
 */
public enum RejectionReason {
  /** The update's format major version is missing or not the one this server reads. */
  UNSUPPORTED_VERSION("unsupported_version"),
  /** The update names another task. */
  WRONG_TASK("wrong_task"),
  /** The update is for another round (stale or from the future). */
  WRONG_ROUND("wrong_round"),
  /** The update was trained on another model bundle (checksum differs). */
  WRONG_MODEL("wrong_model"),
  /** The delta's tensors are missing, extra, renamed or out of order with respect to the global model. */
  TENSOR_MISMATCH("tensor_mismatch"),
  /** A tensor's shape differs from the global model's. */
  SHAPE_MISMATCH("shape_mismatch"),
  /** A tensor's payload does not match its dtype, shape or quantization, or the dtype is not a float type. */
  MALFORMED_TENSOR("malformed_tensor"),
  /** The delta holds a NaN or an infinite value. */
  NON_FINITE("non_finite"),
  /** The delta's L2 norm exceeds the round's sanity bound (far beyond any honest clipped update). */
  NORM_TOO_LARGE("norm_too_large"),
  /** The example count is zero (nothing was trained) or above the round's plausible maximum. */
  INVALID_EXAMPLE_COUNT("invalid_example_count"),
  /** The update arrived after the round's deadline (decided by the coordinator, counted here). */
  LATE("late");

  private final String wireName;

  RejectionReason(String wireName) {
    this.wireName = wireName;
  }

  /** The snake_case name used in protocol messages and metrics. */
  public String wireName() {
    return wireName;
  }
}
