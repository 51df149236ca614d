package io.trustfl.kernels;

/**
 * Shape of a linear layer {@code y_t = a_t W + b} applied to a batch of sequences, for the ghost-norm kernels.
 *
 * @param batch examples B ≥ 1
 * @param seq tokens per example T ≥ 1 (1 for a layer applied once per example)
 * @param in input width I ≥ 1
 * @param out output width O ≥ 1
 * @param bias whether the layer has a bias
 */
public record LinearShape(int batch, int seq, int in, int out, boolean bias) {
  /** Validates every dimension once. */
  public LinearShape {
    require("batch", batch);
    require("seq", seq);
    require("in", in);
    require("out", out);
    if ((long) batch * seq * Math.max(in, out) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("batch*seq*max(in,out) must fit in an int, got "
          + ((long) batch * seq * Math.max(in, out)));
    }
  }

  private static void require(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }

  /** Number of activation floats: B·T·I. */
  public int activationCount() {
    return batch * seq * in;
  }

  /** Number of output-gradient floats: B·T·O. */
  public int outputGradCount() {
    return batch * seq * out;
  }
}
