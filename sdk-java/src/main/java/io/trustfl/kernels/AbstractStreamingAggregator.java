package io.trustfl.kernels;

import io.trustfl.privacy.ClipMath;
import io.trustfl.privacy.NoiseKey;
import java.nio.FloatBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bookkeeping and state machine of a {@link StreamingAggregator}, shared by every backend: argument validation,
 * accepted/rejected counts and the weight sum, merge compatibility checks, and the release-once life cycle (active,
 * then finished or closed; any use afterwards throws {@link IllegalStateException}). A backend implements only the
 * numeric primitives on its own accumulator: {@link #addClipped}, {@link #addSumOf}, {@link #addNoise},
 * {@link #readSum} and {@link #free} (and, optionally, {@link #takeSum}). For backend implementers; application
 * code does not need it.
 *
 * <p>Not thread-safe, as the interface says, except {@link #close()}, which is idempotent and frees the backend's
 * resources exactly once even when called from several threads.
 */
public abstract class AbstractStreamingAggregator implements StreamingAggregator {
  private final int dim;
  private final double clipNorm;
  private final AtomicBoolean released = new AtomicBoolean();
  private long accepted;
  private long rejected;
  private double weightSum;

  /**
   * Validates the shape; the subclass allocates its accumulator afterwards.
   *
   * @param dim update length, ≥ 1
   * @param clipNorm finite and &gt; 0, or {@code +∞} for no clipping
   */
  protected AbstractStreamingAggregator(int dim, double clipNorm) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    }
    KernelChecks.aggregatorClipNorm(clipNorm);
    this.dim = dim;
    this.clipNorm = clipNorm;
  }

  @Override
  public final int dimension() {
    return dim;
  }

  @Override
  public final double clipNorm() {
    return clipNorm;
  }

  @Override
  public final UpdateOutcome accumulate(FloatBuffer update, double weight) {
    return accumulate(update, weight, Double.POSITIVE_INFINITY);
  }

  @Override
  public final UpdateOutcome accumulate(FloatBuffer update, double weight, double maxNorm) {
    ensureActive();
    KernelChecks.remaining("update", update, dim);
    KernelChecks.weight(weight);
    if (!(maxNorm >= 0)) {
      throw new IllegalArgumentException("maxNorm must be >= 0 (or +Infinity for no bound), got " + maxNorm);
    }
    double norm = addClipped(update, weight, maxNorm);
    if (!(norm <= maxNorm)) {
      rejected++;
      return new UpdateOutcome(false, norm, 0.0);
    }
    accepted++;
    weightSum += weight;
    return new UpdateOutcome(true, norm, clipFactor(norm));
  }

  @Override
  public final long acceptedCount() {
    return accepted;
  }

  @Override
  public final long rejectedCount() {
    return rejected;
  }

  @Override
  public final double weightSum() {
    return weightSum;
  }

  @Override
  public final void merge(StreamingAggregator other) {
    ensureActive();
    Objects.requireNonNull(other, "other");
    if (other == this) {
      throw new IllegalArgumentException("cannot merge an aggregator into itself");
    }
    if (other.dimension() != dim || Double.compare(other.clipNorm(), clipNorm) != 0) {
      throw new IllegalArgumentException("can only merge aggregators of equal dimension and clip norm: got dim "
          + other.dimension() + " clip " + other.clipNorm() + ", expected dim " + dim + " clip " + clipNorm);
    }
    addSumOf(other);
    accepted += other.acceptedCount();
    rejected += other.rejectedCount();
    weightSum += other.weightSum();
  }

  @Override
  public final double[] partialSum() {
    ensureActive();
    return readSum();
  }

  @Override
  public final double[] finish(NoiseKey key, long nonce, double stddev) {
    ensureActive();
    KernelChecks.stddev(stddev);
    if (stddev > 0) {
      Objects.requireNonNull(key, "key (required when stddev > 0)");
      addNoise(key, nonce, stddev);
    }
    double[] out = takeSum();
    close();
    return out;
  }

  /** Marks the aggregator finished and frees the backend's resources; idempotent and thread-safe. */
  @Override
  public final void close() {
    if (released.compareAndSet(false, true)) {
      free();
    }
  }

  /**
   * Throws {@link IllegalStateException} when this aggregator is finished or closed. Subclasses call it on another
   * aggregator of their own type before reading its accumulator directly in {@link #addSumOf}.
   */
  protected final void ensureActive() {
    if (released.get()) {
      throw new IllegalStateException("this aggregator is finished or closed: its result was already released");
    }
  }

  /**
   * The factor an accepted update of this norm is scaled by: {@code min(1, C/norm)}, or 1 without clipping.
   *
   * @param norm a finite norm ≥ 0
   */
  protected final double clipFactor(double norm) {
    return clipNorm == Double.POSITIVE_INFINITY ? 1.0 : ClipMath.clipFactor(norm, clipNorm);
  }

  /**
   * Computes the update's L2 norm (NaN when an element is not finite) and, when {@code norm <= maxNorm} (never for
   * NaN), adds {@code weight · clipFactor(norm) · update} to the accumulator. Called on an active aggregator with
   * validated arguments; must not move the buffer's position.
   *
   * @param update {@link #dimension()} floats from its position
   * @param weight finite and ≥ 0
   * @param maxNorm ≥ 0 or {@code +∞}
   * @return the norm; the update was added exactly when {@code norm <= maxNorm}
   */
  protected abstract double addClipped(FloatBuffer update, double weight, double maxNorm);

  /**
   * Adds {@code other}'s partial sum to the accumulator. Called on an active aggregator with a distinct one of equal
   * dimension and clip norm; the counts are merged by the caller.
   */
  protected abstract void addSumOf(StreamingAggregator other);

  /**
   * Adds {@code N(0, stddev²)} noise from the ChaCha20 stream (key, nonce, indexes 0 … dim−1) to the accumulator.
   * Called once, with stddev finite and &gt; 0.
   */
  protected abstract void addNoise(NoiseKey key, long nonce, double stddev);

  /** A copy of the accumulator, {@link #dimension()} doubles. */
  protected abstract double[] readSum();

  /**
   * The accumulator's final contents for release, after any noise; {@link #free()} follows. This implementation
   * returns {@link #readSum()}; a backend whose accumulator is a Java array may return the array itself when
   * {@link #free()} drops every reference to it.
   */
  protected double[] takeSum() {
    return readSum();
  }

  /** Frees the accumulator and any other resources; called exactly once, by {@link #close()} or after finishing. */
  protected abstract void free();
}
