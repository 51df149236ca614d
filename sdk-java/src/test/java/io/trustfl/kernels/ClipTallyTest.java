package io.trustfl.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.DoubleBuffer;
import org.junit.jupiter.api.Test;

/** The shared per-row clip decisions, against hand-computed factors and counts. */
class ClipTallyTest {
  @Test
  void rejectsNonFiniteRowsAndWeightsCountsClippedRowsAndRecordsEveryNorm() {
    DoubleBuffer norms = DoubleBuffer.allocate(8).position(2); // norms go at position + i
    ClipTally t = new ClipTally(6, 2.0, norms);
    assertEquals(1.5, t.row(0, 1.0, 1.5), 0.0); // within C: factor 1, scaled by the weight
    assertEquals(0.0, t.row(1, Double.NaN, 1.0), 0.0); // a NaN/Inf element: rejected
    assertEquals(3.0 * 2.0 / 8.0, t.row(2, 8.0, 3.0), 0.0); // clipped: weight · C / norm
    assertEquals(0.0, t.row(3, 1.0, Double.POSITIVE_INFINITY), 0.0); // non-finite weight: rejected
    assertEquals(0.0, t.row(4, 4.0, 0.0), 0.0); // zero weight: accepted and clipped, adds nothing
    assertEquals(1.0, t.row(5, 2.0, 1.0), 0.0); // exactly at C: not clipped
    ClipResult r = t.result();
    assertEquals(4, r.accepted());
    assertEquals(2, r.clipped());
    assertArrayEquals(new int[] {1, 3}, r.rejectedRows());
    assertArrayEquals(new double[] {0, 0, 1.0, Double.NaN, 8.0, 1.0, 4.0, 2.0}, norms.array());
  }

  @Test
  void normsAreOptional() {
    ClipTally t = new ClipTally(1, 1.0, null);
    assertEquals(0.5, t.row(0, 2.0, 1.0), 0.0);
    assertEquals(1, t.result().clipped());
  }
}
