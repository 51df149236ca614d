package io.trustfl.client;

import java.util.Objects;

/**
 * The storage cap of an {@link ExampleStore} and what to delete when it is reached.
 *
 * @param maxExamples most examples kept, ≥ 1
 * @param maxBytes most bytes of stored content kept (see {@link StoredExample#storedBytes()}), ≥ 1
 * @param policy which examples to delete when a cap is exceeded
 * @param seed seed of the random choices of {@link RetentionPolicy#RANDOM} and {@link RetentionPolicy#RESERVOIR}
 *     (retention is not privacy-relevant; the choices depend only on the seed and the offer count, so they are the
 *     same after a restart)
 */
public record StoreLimits(long maxExamples, long maxBytes, RetentionPolicy policy, long seed) {
  /** Validates every field. */
  public StoreLimits {
    if (maxExamples < 1) {
      throw new IllegalArgumentException("maxExamples must be >= 1, got " + maxExamples);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1, got " + maxBytes);
    }
    Objects.requireNonNull(policy, "policy");
  }

  /** A cap on the example count only (bytes unbounded), seed 0. */
  public static StoreLimits ofExamples(long maxExamples, RetentionPolicy policy) {
    return new StoreLimits(maxExamples, Long.MAX_VALUE, policy, 0);
  }
}
