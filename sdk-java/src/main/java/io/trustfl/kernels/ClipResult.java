package io.trustfl.kernels;

import java.util.Arrays;

/**
 * Outcome of a clip-and-accumulate call.
 *
 * @param accepted rows added to the sum
 * @param clipped accepted rows whose norm exceeded the clip norm (scaled down)
 * @param rejectedRows indexes of rows with a NaN or infinite element or weight, in increasing order; they were not
 *     summed
 */
public record ClipResult(int accepted, int clipped, int[] rejectedRows) {
  /** Copies the rejected indexes. */
  public ClipResult {
    if (accepted < 0 || clipped < 0 || clipped > accepted) {
      throw new IllegalArgumentException("need 0 <= clipped <= accepted, got clipped=" + clipped
          + " accepted=" + accepted);
    }
    rejectedRows = rejectedRows.clone();
  }

  /** The rejected row indexes (a copy). */
  @Override
  public int[] rejectedRows() {
    return rejectedRows.clone();
  }

  /** Number of rejected rows. */
  public int rejected() {
    return rejectedRows.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClipResult r && accepted == r.accepted && clipped == r.clipped
        && Arrays.equals(rejectedRows, r.rejectedRows);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * accepted + clipped) + Arrays.hashCode(rejectedRows);
  }

  @Override
  public String toString() {
    return "ClipResult[accepted=" + accepted + ", clipped=" + clipped + ", rejectedRows="
        + Arrays.toString(rejectedRows) + "]";
  }
}
