package io.trustfl.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** The shared validation helpers: the rule and the value given in each message, in the order backends rely on. */
class KernelChecksTest {

  @Test
  void linearClippedSumArgsReturnsTheWeightCountAndChecksEveryBuffer() {
    LinearShape shape = new LinearShape(2, 1, 3, 4, true);
    FloatBuffer a = FloatBuffer.allocate(6);
    FloatBuffer g = FloatBuffer.allocate(8);
    assertEquals(12, KernelChecks.linearClippedSumArgs(shape, a, g, DoubleBuffer.allocate(2),
        DoubleBuffer.allocate(12), DoubleBuffer.allocate(4)));
    assertEquals("factors must have at least 2 elements remaining, got 1",
        assertThrows(IllegalArgumentException.class, () -> KernelChecks.linearClippedSumArgs(shape, a, g,
            DoubleBuffer.allocate(1), DoubleBuffer.allocate(12), DoubleBuffer.allocate(4))).getMessage());
    assertEquals("weightGrad must have at least 12 elements remaining, got 11",
        assertThrows(IllegalArgumentException.class, () -> KernelChecks.linearClippedSumArgs(shape, a, g,
            DoubleBuffer.allocate(2), DoubleBuffer.allocate(11), DoubleBuffer.allocate(4))).getMessage());
    assertEquals("biasGrad must have at least 4 elements remaining, got 3",
        assertThrows(IllegalArgumentException.class, () -> KernelChecks.linearClippedSumArgs(shape, a, g,
            DoubleBuffer.allocate(2), DoubleBuffer.allocate(12), DoubleBuffer.allocate(3))).getMessage());
    LinearShape noBias = new LinearShape(2, 1, 3, 4, false);
    assertEquals(12, KernelChecks.linearClippedSumArgs(noBias, a, g, DoubleBuffer.allocate(2),
        DoubleBuffer.allocate(12), null), "no bias buffer is needed without a bias");
  }

  @Test
  void linearClippedSumArgsRejectsAWeightCountBeyondIntRange() {
    // 50000 * 50000 = 2.5e9 > 2^31 - 1, while batch*seq*max(in, out) = 50000 fits.
    LinearShape shape = new LinearShape(1, 1, 50_000, 50_000, false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KernelChecks.linearClippedSumArgs(shape, FloatBuffer.allocate(50_000), FloatBuffer.allocate(50_000),
            DoubleBuffer.allocate(1), DoubleBuffer.allocate(1), null));
    assertEquals("in*out must fit in an int (buffers are int-indexed), got 2500000000", e.getMessage());
  }

  @Test
  void linearGhostArgsChecksTheNormsBuffer() {
    LinearShape shape = new LinearShape(3, 2, 2, 2, false);
    KernelChecks.linearGhostArgs(shape, FloatBuffer.allocate(12), FloatBuffer.allocate(12), DoubleBuffer.allocate(3));
    assertEquals("squaredNorms must have at least 3 elements remaining, got 2",
        assertThrows(IllegalArgumentException.class, () -> KernelChecks.linearGhostArgs(shape,
            FloatBuffer.allocate(12), FloatBuffer.allocate(12), DoubleBuffer.allocate(2))).getMessage());
  }

  @Test
  void stddevMustBeFiniteAndNonNegative() {
    KernelChecks.stddev(0.0);
    KernelChecks.stddev(2.5);
    assertEquals("stddev must be finite and >= 0, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> KernelChecks.stddev(-1.0)).getMessage());
    assertEquals("stddev must be finite and >= 0, got Infinity",
        assertThrows(IllegalArgumentException.class, () -> KernelChecks.stddev(Double.POSITIVE_INFINITY))
            .getMessage());
    assertEquals("stddev must be finite and >= 0, got NaN",
        assertThrows(IllegalArgumentException.class, () -> KernelChecks.stddev(Double.NaN)).getMessage());
  }
}
