package io.trustfl.train;

/** Why a training run ended. */
public enum StopReason {
  /** All configured epochs ran. */
  COMPLETED,
  /** The validation score did not improve for {@code patience} epochs. */
  EARLY_STOPPED,
  /** The next step would have exceeded the privacy budget; no further noised update was released. */
  BUDGET_EXHAUSTED
}
