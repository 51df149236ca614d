package io.trustfl.privacy;

import io.trustfl.proto.AccountantState;

/**
 * Tracks the privacy spent by a sequence of Poisson-subsampled Gaussian mechanisms (DP-SGD or DP-FedAvg steps) under
 * add/remove adjacency. Histories may be heterogeneous: each {@link #compose} call may use a different sampling rate,
 * noise multiplier and number of steps.
 *
 * <p>Implementations are not thread-safe; guard an accountant shared between threads.
 */
public interface PrivacyAccountant {
  /**
   * Records {@code steps} steps of the subsampled Gaussian mechanism.
   *
   * @param samplingRate Poisson sampling rate q in (0, 1]
   * @param noiseMultiplier noise standard deviation over the clip norm, finite and &gt; 0
   * @param steps number of steps ≥ 0
   * @throws IllegalArgumentException naming the invalid parameter
   */
  void compose(double samplingRate, double noiseMultiplier, long steps);

  /**
   * The ε spent so far at the given δ (0 for an empty history).
   *
   * @param delta δ in (0, 1)
   */
  double epsilon(double delta);

  /** The persistent state: the history of events and the accountant's configuration (no budget). */
  io.trustfl.proto.AccountantState toState();

  /** {@code "rdp"} or {@code "pld"}, as written in {@link AccountantState#getAccountant()}. */
  String name();
}
