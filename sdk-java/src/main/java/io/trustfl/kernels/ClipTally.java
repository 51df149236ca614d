package io.trustfl.kernels;

import io.trustfl.privacy.ClipMath;
import java.nio.DoubleBuffer;
import java.util.Arrays;

/**
 * The per-row decisions of clip-and-accumulate, shared by every backend so that they agree row for row: a row is
 * rejected when its norm is NaN (it holds a NaN or infinite element) or its weight is not finite, and then adds
 * nothing; otherwise it is accepted, counted as clipped when its norm exceeds the clip norm, and scaled by
 * {@code weight · min(1, C/norm)}. Records each norm into the caller's optional buffer and builds the
 * {@link ClipResult}. Rows must be decided in increasing order. For backend implementers.
 */
public final class ClipTally {
  private final double clipNorm;
  private final DoubleBuffer norms;
  private final int[] rejected;
  private int rejectedCount;
  private int accepted;
  private int clipped;

  /**
   * @param batch rows in the call
   * @param clipNorm C (validated by the caller)
   * @param norms where row i's norm goes, at {@code norms.position() + i}; null to not record them
   */
  public ClipTally(int batch, double clipNorm, DoubleBuffer norms) {
    this.clipNorm = clipNorm;
    this.norms = norms;
    this.rejected = new int[batch];
  }

  /**
   * Decides row {@code i}.
   *
   * @param norm its L2 norm (NaN when it holds a NaN or infinite element)
   * @param weight its weight (≥ 0, validated by the caller; a non-finite weight rejects the row)
   * @return the factor its elements are scaled by before they are added; 0 for a rejected row
   */
  public double row(int i, double norm, double weight) {
    if (norms != null) {
      norms.put(norms.position() + i, norm);
    }
    if (Double.isNaN(norm) || !Double.isFinite(weight)) {
      rejected[rejectedCount++] = i;
      return 0.0;
    }
    accepted++;
    double f = ClipMath.clipFactor(norm, clipNorm);
    if (f < 1.0) {
      clipped++;
    }
    return weight * f;
  }

  /** The outcome of the rows decided so far. */
  public ClipResult result() {
    return new ClipResult(accepted, clipped, Arrays.copyOf(rejected, rejectedCount));
  }
}
