package io.trustfl.kernels;

import io.trustfl.privacy.NoiseKey;
import java.nio.FloatBuffer;

/**
 * Accumulates client updates one at a time (validate, clip, weight, add in double) and finishes with Gaussian noise
 * added once. A partial state is an associative, commutative sum, so partial aggregators can be combined with
 * {@link #merge} before finishing (DESIGN.md, "Beyond one machine").
 *
 * <p>Not thread-safe: feed one aggregator from one thread, or give each thread its own and merge them.
 * {@link #finish} releases the result exactly once; any later call throws {@link IllegalStateException}.
 */
public interface StreamingAggregator extends AutoCloseable {

  /** Update length. */
  int dimension();

  /** Clip norm applied to each update ({@code +∞} for none). */
  double clipNorm();

  /**
   * Validates, clips and adds {@code weight · min(1, C/‖u‖) · u}.
   *
   * @param update {@link #dimension()} floats from the buffer's position
   * @param weight finite and ≥ 0
   * @return the update's norm and whether it was accepted; a non-finite update is rejected and not added
   */
  UpdateOutcome accumulate(FloatBuffer update, double weight);

  /**
   * As {@link #accumulate(FloatBuffer, double)}, and also rejects, without adding it, an update whose norm exceeds
   * {@code maxNorm}: a sanity bound checked on the norm the kernel computes anyway, so the update is read once (the
   * server checks each update against its round's bound this way).
   *
   * @param maxNorm ≥ 0, or {@code +∞} for no bound
   * @return the update's norm and whether it was accepted; rejected (not added) when the norm is NaN or &gt; maxNorm
   */
  UpdateOutcome accumulate(FloatBuffer update, double weight, double maxNorm);

  /** Updates accepted so far. */
  long acceptedCount();

  /** Updates rejected so far. */
  long rejectedCount();

  /** Sum of the weights of accepted updates. */
  double weightSum();

  /**
   * Adds another aggregator's partial sum, counts and weights to this one. Both must have the same dimension and
   * clip norm and be unfinished; {@code other} is left unchanged.
   */
  void merge(StreamingAggregator other);

  /**
   * A copy of the current un-noised sum. For merging partial aggregates and for tests; never release it.
   */
  double[] partialSum();

  /**
   * Adds {@code N(0, stddev²)} noise from the ChaCha20 stream (key, nonce, indexes 0 … dim−1) to every coordinate
   * of the sum, once, and returns it. The aggregator is finished afterwards.
   *
   * @param stddev finite and ≥ 0 (0 for no noise, in which case key may be null)
   */
  double[] finish(NoiseKey key, long nonce, double stddev);

  /** Releases resources; idempotent. */
  @Override
  void close();

  /**
   * Result of one {@link #accumulate} call.
   *
   * @param accepted whether the update was added
   * @param norm its L2 norm before clipping (NaN when it had a non-finite element)
   * @param clipFactor the factor it was scaled by (0 when rejected)
   */
  record UpdateOutcome(boolean accepted, double norm, double clipFactor) {}
}
