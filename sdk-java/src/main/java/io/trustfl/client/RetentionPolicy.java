package io.trustfl.client;

/**
 * Which stored examples an {@link ExampleStore} deletes when a new one would exceed its cap (the continual setting,
 * where a device keeps receiving data and must forget some).
 */
public enum RetentionPolicy {
  /** Delete the oldest stored examples first (a sliding window over the most recent data). */
  OLDEST_FIRST,
  /** Always store the new example and delete uniformly random older ones. */
  RANDOM,
  /**
   * Reservoir sampling (Vitter's Algorithm R) over every example ever offered: with a cap of k examples, the n-th
   * offered example is stored with probability min(1, k/n), replacing a uniformly random stored one, so the store
   * is a uniform sample of the whole history. A byte cap is enforced on top by deleting random examples.
   */
  RESERVOIR
}
