package io.trustfl.server.aggregation;

import io.trustfl.kernels.Kernels;
import io.trustfl.kernels.StreamingAggregator;
import io.trustfl.privacy.ClipMath;
import io.trustfl.privacy.NoiseKey;
import io.trustfl.proto.ClientUpdate;
import io.trustfl.proto.ProtocolVersions;
import io.trustfl.proto.Tensor;
import io.trustfl.proto.Weights;
import io.trustfl.proto.WeightsCodec;
import java.nio.FloatBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Objects;

/**
 * One round's aggregate before release: validates each {@link ClientUpdate} against the {@link RoundSpec}, clips it
 * again to the clip norm (the server never trusts the device's clipping), and adds it, weighted, to a kernel
 * {@link StreamingAggregator}. Rejected updates are counted by reason and never summed.
 *
 * <p>The state is a pure monoid: {@link #merge} adds another partial aggregate of the same round (sums, weights and
 * counts), so partial aggregates built on different threads or machines combine in any order (DESIGN.md "Beyond one
 * machine"). The result is released once, by the {@link Aggregator} that opened it.
 *
 * <p>Not thread-safe: one thread per partial aggregate, then merge. Closes its kernel aggregator; the
 * {@link Kernels} backend stays owned by the caller.
 */
public final class PartialAggregate implements AutoCloseable {
  private final RoundSpec spec;
  private final double clipNorm;
  private final Weighting weighting;
  private final StreamingAggregator sum;
  private final float[] scratch;
  private final EnumMap<RejectionReason, Long> rejected = new EnumMap<>(RejectionReason.class);
  private long clipped;
  private long withinClip;
  private boolean released;

  /**
   * Opens an empty aggregate.
   *
   * @param kernels the backend whose streaming aggregator holds the sum (owned by the caller)
   * @param spec what valid updates of this round look like
   * @param clipNorm C, finite and &gt; 0, or {@code +∞} to not clip (validation still applies)
   * @param weighting how updates are weighted
   */
  public PartialAggregate(Kernels kernels, RoundSpec spec, double clipNorm, Weighting weighting) {
    Objects.requireNonNull(kernels, "kernels");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.weighting = Objects.requireNonNull(weighting, "weighting");
    if (clipNorm != Double.POSITIVE_INFINITY) {
      ClipMath.requireClipNorm(clipNorm);
    }
    this.clipNorm = clipNorm;
    int dim = spec.layout().dimension();
    this.sum = kernels.newAggregator(dim, clipNorm);
    this.scratch = new float[dim];
  }

  /** The round this aggregate belongs to. */
  public RoundSpec spec() {
    return spec;
  }

  /** The clip norm every accepted update was clipped to ({@code +∞} for none). */
  public double clipNorm() {
    return clipNorm;
  }

  /** How updates are weighted. */
  public Weighting weighting() {
    return weighting;
  }

  /**
   * Validates, re-clips and adds one update. Checks, in order: format version, task, round, model checksum, tensor
   * names and order, shapes, payload encoding, finiteness, the norm sanity bound and the example count.
   *
   * @return accepted (with the norm and clip factor) or rejected with its reason
   */
  public UpdateVerdict offer(ClientUpdate update) {
    ensureOpen();
    Objects.requireNonNull(update, "update");
    UpdateVerdict v = validateAndDecode(update);
    if (v != null) {
      return count(v);
    }
    double weight = weighting == Weighting.EXAMPLES ? (double) update.getExampleCount() : 1.0;
    // The kernel computes the norm, checks it against the sanity bound and adds the update in one read.
    StreamingAggregator.UpdateOutcome out = sum.accumulate(FloatBuffer.wrap(scratch), weight, spec.maxNorm());
    if (!out.accepted()) {
      return count(normRejection(out.norm()));
    }
    if (out.clipFactor() < 1.0) {
      clipped++;
    } else {
      withinClip++;
    }
    return UpdateVerdict.accept(out.norm(), out.clipFactor());
  }

  /**
   * Counts an update rejected before it reached the aggregator (e.g. {@link RejectionReason#LATE}, decided by the
   * coordinator).
   */
  public void countRejection(RejectionReason reason) {
    ensureOpen();
    rejected.merge(Objects.requireNonNull(reason, "reason"), 1L, Long::sum);
  }

  /**
   * Adds another partial aggregate of the same round, clip norm and weighting to this one; {@code other} is left
   * unchanged and can be closed afterwards.
   */
  public void merge(PartialAggregate other) {
    ensureOpen();
    other.ensureOpen();
    if (other == this) {
      throw new IllegalArgumentException("cannot merge a partial aggregate into itself");
    }
    if (!other.spec.equals(spec) || Double.compare(other.clipNorm, clipNorm) != 0 || other.weighting != weighting) {
      throw new IllegalArgumentException("can only merge partial aggregates of the same round spec, clip norm and"
          + " weighting; got round " + other.spec.round() + " clip " + other.clipNorm + " " + other.weighting
          + ", expected round " + spec.round() + " clip " + clipNorm + " " + weighting);
    }
    sum.merge(other.sum);
    clipped += other.clipped;
    withinClip += other.withinClip;
    other.rejected.forEach((k, n) -> rejected.merge(k, n, Long::sum));
  }

  /** The counts so far. */
  public UpdateCounts counts() {
    return new UpdateCounts(sum.acceptedCount(), clipped, withinClip, rejected);
  }

  /** Sum of the weights of accepted updates (their count under {@link Weighting#UNIFORM}). */
  public double weightSum() {
    return sum.weightSum();
  }

  /** Update length D. */
  public int dimension() {
    return sum.dimension();
  }

  /** A copy of the current un-noised sum, for tests and merging; never release it. */
  public double[] partialSum() {
    ensureOpen();
    return sum.partialSum();
  }

  /**
   * Releases the weighted sum with {@code N(0, stddev²)} noise added once per coordinate (ChaCha20 stream
   * (key, nonce), indexes 0 … D−1). Afterwards this aggregate is finished.
   */
  double[] release(NoiseKey key, long nonce, double stddev) {
    ensureOpen();
    double[] out = sum.finish(key, nonce, stddev);
    released = true;
    return out;
  }

  /** Whether the result was released (or the aggregate closed). */
  public boolean isReleased() {
    return released;
  }

  @Override
  public void close() {
    released = true;
    sum.close();
  }

  private void ensureOpen() {
    if (released) {
      throw new IllegalStateException("this round's aggregate was already released or closed; open a new one");
    }
  }

  private UpdateVerdict count(UpdateVerdict v) {
    rejected.merge(v.reason(), 1L, Long::sum);
    return v;
  }

  /**
   * Runs every check that comes before the kernel and decodes the delta into the scratch array: the rejection, or
   * null when the update may go to the kernel (which then checks finiteness and the norm bound as it adds it).
   */
  private UpdateVerdict validateAndDecode(ClientUpdate u) {
    try {
      ProtocolVersions.check("ClientUpdate", u.getVersion());
      if (u.hasDelta() && u.getDelta().hasVersion()) {
        ProtocolVersions.check("ClientUpdate.delta", u.getDelta().getVersion());
      }
    } catch (ProtocolVersions.IncompatibleFormatException e) {
      return UpdateVerdict.reject(RejectionReason.UNSUPPORTED_VERSION, e.getMessage(), Double.NaN);
    }
    if (!spec.taskId().equals(u.getTaskId())) {
      return UpdateVerdict.reject(RejectionReason.WRONG_TASK, "update is for task '" + u.getTaskId()
          + "', this round is task '" + spec.taskId() + "'", Double.NaN);
    }
    if (u.getRound() != spec.round()) {
      return UpdateVerdict.reject(RejectionReason.WRONG_ROUND, "update is for round " + u.getRound()
          + ", this is round " + spec.round(), Double.NaN);
    }
    if (!spec.modelChecksum().isEmpty() && !spec.modelChecksum().equals(u.getModelChecksum())) {
      return UpdateVerdict.reject(RejectionReason.WRONG_MODEL, "update was trained on model " + u.getModelChecksum()
          + ", this round trains " + spec.modelChecksum(), Double.NaN);
    }
    Weights delta = u.getDelta();
    List<ModelLayout.TensorSpec> specs = spec.layout().tensors();
    if (delta.getTensorsCount() != specs.size()) {
      return UpdateVerdict.reject(RejectionReason.TENSOR_MISMATCH, "delta has " + delta.getTensorsCount()
          + " tensors, the model has " + specs.size(), Double.NaN);
    }
    int off = 0;
    for (int i = 0; i < specs.size(); i++) {
      Tensor t = delta.getTensors(i);
      ModelLayout.TensorSpec s = specs.get(i);
      if (!s.name().equals(t.getName())) {
        return UpdateVerdict.reject(RejectionReason.TENSOR_MISMATCH, "tensor " + i + " is '" + t.getName()
            + "', the model's is '" + s.name() + "'", Double.NaN);
      }
      if (!s.shape().equals(t.getShapeList())) {
        return UpdateVerdict.reject(RejectionReason.SHAPE_MISMATCH, "tensor '" + t.getName() + "' has shape "
            + t.getShapeList() + ", the model's is " + s.shape(), Double.NaN);
      }
      try {
        off += WeightsCodec.decodeInto(t, scratch, off);
      } catch (WeightsCodec.MalformedTensorException e) {
        return UpdateVerdict.reject(RejectionReason.MALFORMED_TENSOR, e.getMessage(), Double.NaN);
      }
    }
    long examples = u.getExampleCount();
    if (examples < 1 || examples > spec.maxExamples()) {
      // Checked before the norm so that a valid update is read once, by the kernel; the verdict is still the one of
      // the documented order (finiteness and the norm bound come first).
      double norm = ClipMath.l2Norm(scratch, 0, scratch.length);
      UpdateVerdict byNorm = normRejection(norm);
      return byNorm != null ? byNorm : UpdateVerdict.reject(RejectionReason.INVALID_EXAMPLE_COUNT,
          "example_count must be in [1, " + spec.maxExamples() + "], got " + Long.toUnsignedString(examples), norm);
    }
    return null;
  }

  /** The rejection a delta of this norm gets (non-finite, or above the sanity bound), or null when it passes. */
  private UpdateVerdict normRejection(double norm) {
    if (Double.isNaN(norm)) {
      return UpdateVerdict.reject(RejectionReason.NON_FINITE, "delta holds a NaN or infinite value", norm);
    }
    if (norm > spec.maxNorm()) {
      return UpdateVerdict.reject(RejectionReason.NORM_TOO_LARGE, "delta norm " + norm + " exceeds the sanity"
          + " bound " + spec.maxNorm(), norm);
    }
    return null;
  }
}
